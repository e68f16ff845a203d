# Before and after the meeting: the home page, the lobby, broken links, leaving, devices,
# and the encryption banner and status line.

## Home page: start a meeting or open an invite link.
home-lede = Des réunions vidéo que seules les personnes présentes peuvent voir et entendre : chaque trame est chiffrée dans votre navigateur, et la clé n’atteint jamais aucun serveur.
home-new-meeting = Nouvelle réunion
home-starting = Démarrage…
home-frame-encryption = Chiffrement des trames
home-frame-suite-help = Toutes les personnes qui rejoignent la réunion utilisent ce chiffrement ; le lien d’invitation transmet ce choix.
home-who-can-join = Qui peut participer
home-admission-chair = Les personnes admises par la présidence
home-admission-open = Toute personne disposant du lien
home-admission-help = Vous présidez la réunion : avec le premier choix, vous faites entrer chaque personne.
home-verified-identities = Identités vérifiées
home-verified-only = Uniquement les membres vérifiés par une organisation acceptée
home-accept-organisation = Accepter les membres vérifiés par { $organisation } (certificat { $pin })
home-verified-help = Chaque participant voit qui une organisation acceptée garantit. Avec « membres vérifiés uniquement », le navigateur de chaque participant refuse toute autre personne, et personne ne peut le changer pendant la réunion.
home-organisations-same-name = Deux de ces organisations portent le même nom : comparez leurs certificats avec ceux que les organisations ont publiés avant d’accepter l’une d’elles.
home-create-failed = Impossible de démarrer une réunion. { $reason }
home-no-secure-random = Ce navigateur ne fournit pas de nombres aléatoires sûrs, aucune clé ne peut donc être créée pour la réunion. Utilisez un navigateur récent.
room-error-network = Le serveur est injoignable. Vérifiez votre connexion et réessayez.
room-error-too-many-rooms = Le serveur accueille déjà autant de réunions qu’il le peut. Réessayez plus tard.
room-error-server-busy = Le serveur est trop occupé pour démarrer une réunion. Réessayez dans un instant.
room-error-creation-not-allowed = Sur ce serveur, seuls les organisateurs invités peuvent créer des réunions ; ouvrez le lien que votre organisation vous a donné.
room-error-rate-limited = Ce réseau a demandé trop de réunions en peu de temps. Attendez une minute, puis réessayez.
room-error-status = Le serveur a refusé la demande (statut HTTP { $code }). Réessayez plus tard.
room-error-bad-reply = La réponse du serveur n’a pas pu être lue. Réessayez, ou rechargez la page.
home-have-invite = Vous avez une invitation ?
home-invite-link = Lien d’invitation
home-invite-link-placeholder = https://…/m/…#…
home-join = Rejoindre

## Invite link errors: why a pasted link does not open a meeting.
invite-error-empty = Collez le lien d’invitation que vous avez reçu.
invite-error-not-a-meeting-link = Ce n’est pas un lien d’invitation Conclave. Il devrait ressembler à https://hôte/m/SALLE#CLÉ.
invite-error-malformed-room-id = L’identifiant de réunion de ce lien est endommagé. Demandez à nouveau le lien.
invite-error-missing-key = Ce lien ne contient pas de clé de réunion (la partie après #). Demandez le lien complet.
invite-error-malformed-key = La clé de réunion de ce lien est endommagée ou incomplète. Demandez à nouveau le lien.
invite-error-unknown-frame-suite = Ce lien demande une politique de chiffrement que cette application ne connaît pas. Demandez à nouveau le lien.
invite-error-malformed-trust = Les organisations acceptées par la réunion de ce lien sont endommagées. Demandez à nouveau le lien.

## Lobby: name, preview and switches before joining.
lobby-title = Prêt à participer ?
lobby-camera-preview = Aperçu de la caméra
lobby-starting-media = Démarrage de la caméra et du microphone…
lobby-no-media = Ni caméra ni micro
lobby-camera-off = Caméra désactivée
lobby-your-name = Votre nom
lobby-join-meeting = Rejoindre la réunion
lobby-frame-suite = Chiffrement des trames : { $suite }
lobby-e2ee-note = Chiffré de bout en bout. Le secret d’invitation est la partie du lien après # : votre navigateur ne l’envoie jamais au serveur, et seules les personnes qui le possèdent peuvent être admises.
lobby-media-failed = { $detail } Vous pouvez tout de même participer : vous verrez et entendrez les autres, mais ils ne pourront ni vous voir ni vous entendre.

## Broken invite and unknown pages.
broken-invite-title = Impossible d’ouvrir cette réunion
broken-invite-missing-key = Ce lien ne contient pas de clé de réunion : la partie après # est absente. Demandez le lien complet à la personne qui vous a envoyé l’invitation.
broken-invite-malformed-key = Ce lien ne contient pas de clé de réunion valide : la partie après # est endommagée ou incomplète. Demandez le lien complet à la personne qui vous a envoyé l’invitation.
broken-invite-damaged = Ce lien de réunion est endommagé. Demandez à nouveau le lien à la personne qui vous a envoyé l’invitation.
broken-invite-never-without-key = Conclave ne rejoint jamais une réunion sans sa clé : c’est la clé qui garantit la confidentialité de la réunion.
broken-invite-go-home = Aller à la page d’accueil
not-found-title = Page introuvable
not-found-detail = Il n’y a rien à cette adresse.

## Left page: after leaving the meeting.
left-title = Vous avez quitté la réunion
left-detail = Votre caméra et votre microphone sont désactivés. La réunion continue pour les autres.
left-rejoin = Rejoindre à nouveau
left-home = Accueil

## Device settings: camera, microphone and speaker pickers.
device-settings-legend = Caméra, microphone et haut-parleur
device-settings-camera = Caméra
device-settings-microphone = Microphone
device-settings-speaker = Haut-parleur
device-settings-none-found = Aucun appareil trouvé
# A device the browser gives no name: its kind and its place in the list ("Camera 2").
device-settings-unnamed = { $device } { $count }
device-settings-microphone-level = Niveau du microphone
device-settings-test-sound = Émettre un son de test
device-settings-test-sound-failed = Le son de test n’a pas pu être joué.

## End-to-end encryption banner ($detail is the browser API's own name).
e2ee-banner-title = Chiffré de bout en bout
e2ee-banner-ready = Chaque trame est chiffrée dans ce navigateur (SFrame, { $detail }) avant son envoi.
e2ee-banner-starting = Démarrage du chiffrement ({ $detail })…
e2ee-banner-checking = Vérification de la prise en charge du chiffrement par ce navigateur…

## Encryption status line: where this browser stands in the meeting's MLS group.
encryption-status-label = État du chiffrement
encryption-status-joining = Connexion à la réunion chiffrée…
encryption-status-waiting-for-chair = En attente de l’admission par la présidence
encryption-status-waiting-to-be-added = En attente d’ajout par un membre…
encryption-status-link-may-be-wrong = Si cela dure, votre lien d’invitation est peut-être erroné.
encryption-status-resyncing = Resynchronisation des clés…
encryption-status-member = Clés convenues : seules les personnes listées sous « Participants » peuvent voir et entendre cette réunion.
