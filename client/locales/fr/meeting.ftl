## Meeting page: alerts about the connection and encryption, the video grid.
meeting-fatal = Le chiffrement n’est pas disponible, vous n’avez donc pas rejoint cette réunion.
meeting-fatal-detail = { $detail }. Aucun son ni aucune vidéo n’a été envoyé.
meeting-disconnected = Déconnecté du serveur de réunion
meeting-disconnected-reason = {"\u00A0"}: { $reason }
meeting-reconnecting = Reconnexion…
meeting-reconnecting-detail = { $reason } Nouvel essai (tentative n° { $number }) ; vous rejoindrez de nouveau la réunion chiffrée.
meeting-media-reconnecting = Reconnexion au serveur multimédia…
meeting-media-reconnecting-detail = Le son et la vidéo reprendront d’eux-mêmes ; le chiffrement reste actif.
meeting-unproven = Cette réunion n’a pas pu prouver qu’elle est bien celle de votre lien, donc rien n’est envoyé.
meeting-unproven-detail = Vérifiez le lien auprès de la personne qui vous l’a envoyé.
meeting-video = Vidéo
meeting-alone = Personne d’autre n’est encore là. Utilisez « Copier le lien d’invitation » pour inviter des participants.
meeting-settings = Paramètres

## Announcements: what the meeting's live region tells screen reader users.
announcement-joined =
    { $count ->
        [one] { $names } a rejoint la réunion chiffrée
       *[other] { $names } ont rejoint la réunion chiffrée
    }
announcement-left =
    { $count ->
        [one] { $names } a quitté la réunion
       *[other] { $names } ont quitté la réunion
    }
announcement-hand-raised = { $name } a levé la main

## Tiles: one's own preview and each remote member's video.
tile-you = Vous
tile-no-media = Ni caméra ni micro
tile-camera-off = Caméra désactivée
tile-muted = Micro coupé
tile-hand-raised = ✋ Main levée
tile-reconnecting = Reconnexion…
tile-pin = Épingler
tile-unpin = Désépingler
tile-pin-label = Épingler { $name }
tile-full-screen = Plein écran
tile-full-screen-label = Afficher { $name } en plein écran
tile-status-waiting-for-key = En attente de la clé
tile-status-decrypting = Déchiffrement en cours
tile-status-cannot-decrypt = Déchiffrement impossible
tile-reaction-thumbs-up = Pouce levé
tile-reaction-applause = Applaudissements
tile-reaction-laughter = Rire
tile-reaction-surprise = Surprise
tile-reaction-heart = Cœur

## Media toggles: the microphone and camera switches.
media-toggles-mute-microphone = Couper le micro
media-toggles-unmute-microphone = Activer le micro
media-toggles-camera-off = Désactiver la caméra
media-toggles-camera-on = Activer la caméra

## Device notices and meeting problems (notices.rs)
device-notice-microphone-lost = Votre micro a été déconnecté
device-notice-camera-lost = Votre caméra a été déconnectée
device-notice-replaced = { $device } : un autre appareil est utilisé désormais.
device-notice-none-left = { $device }, et aucun autre appareil n’a pu être démarré ({ $error }).
device-notice-not-started = Cet appareil n’a pas pu être démarré ({ $error }).
meeting-problem-server-unreadable = Un message du serveur n’a pas pu être lu. Si la réunion ne fonctionne plus, rechargez la page.
meeting-problem-not-sent = Un message n’a pas pu être envoyé au serveur. Si la réunion ne fonctionne plus, vérifiez votre connexion et rechargez la page.
meeting-problem-screen-share-not-allowed = Le partage d’écran n’a pas démarré : il a été annulé, ou le navigateur ne l’autorise pas sur cette page.
meeting-problem-screen-share-not-captured = Votre écran n’a pas pu être capturé. Réessayez, ou choisissez un autre écran ou une autre fenêtre.
meeting-problem-screen-share-unsupported = Ce navigateur ne peut pas partager votre écran sur cette page.
meeting-problem-screen-share-failed = Le partage d’écran n’a pas démarré. Réessayez.
meeting-problem-peer-refused = Pas de connexion avec { $name } : rien ne confirme que ses informations de connexion viennent bien de cette personne. Quelqu’un entre vous manipule peut-être la connexion.
meeting-problem-peer-refused-unnamed = Pas de connexion avec une personne de la réunion : rien ne confirme que ses informations de connexion viennent bien d’elle. Quelqu’un entre vous manipule peut-être la connexion.
meeting-problem-peer-connection = La connexion avec une autre personne de la réunion a échoué ; vous ne la voyez ou ne l’entendez peut-être pas. Recharger la page peut aider.
meeting-problem-received-media = Le son ou la vidéo d’une autre personne de la réunion n’a pas pu être déchiffré ou lu, et n’est donc pas affiché.
meeting-problem-senders-not-updated = Le chiffrement n’a pas pu être informé de qui participe maintenant à la réunion ; certains sons ou vidéos risquent de ne pas s’afficher. Recharger la page peut aider.

## What the server refused, by its error code (notices.rs)
server-error-malformed-message = Le serveur n’a pas pu lire un message de cette page. Si la réunion ne fonctionne plus, rechargez la page.
server-error-not-joined = Le serveur a reçu un message de cette page avant qu’elle ait rejoint la réunion. Si la réunion ne fonctionne plus, rechargez la page.
server-error-already-joined = Cette page a demandé deux fois au serveur de rejoindre la réunion. Si la réunion ne fonctionne plus, rechargez la page.
server-error-unknown-participant = Un message n’a pas pu être remis : cette personne n’est plus connectée à la réunion.
server-error-room-full = La réunion est complète.
server-error-unknown-room = Cette réunion n’existe pas sur le serveur.
server-error-message-too-big = Un message était trop volumineux pour le serveur et n’a pas été remis.
server-error-group-exists = Quelqu’un d’autre a démarré le chiffrement de la réunion au même moment. Si vous n’êtes pas admis sous peu, rechargez la page.
server-error-no-group = Le chiffrement de la réunion n’a pas encore démarré sur le serveur. Si vous n’êtes pas admis sous peu, rechargez la page.
server-error-rate-limited = Cette page a envoyé trop de messages en peu de temps. Patientez un instant, puis réessayez.
server-error-invalid-join-challenge = Le serveur a refusé la vérification de cette page pour les personnes qui rejoignent par le lien ; rien n’a changé. Si d’autres ne peuvent pas entrer, rechargez la page.
server-error-sfu-unavailable = Le serveur multimédia est injoignable. Le serveur continue d’essayer ; le son et la vidéo démarreront dès qu’il répondra.
server-error-not-a-member = Seules les personnes déjà dans la réunion chiffrée peuvent faire cela ; rien n’a changé.
server-error-not-knocking = Cette personne est déjà dans la réunion ; rien n’a changé.
server-error-unknown = Le serveur a refusé une demande de cette page. Si la réunion ne fonctionne plus, rechargez la page.

## Why the connection to the server closed (notices.rs)
close-unknown-room = Cette réunion n’existe pas sur le serveur.
close-room-full = La réunion est complète.
close-mesh-full = La réunion est complète : les réunions sans serveur média réunissent au plus { $count } personnes.
close-not-understood = Le serveur n’a pas compris ce client.
close-too-slow = La connexion était trop lente.
close-too-large = Un message était trop volumineux.
close-other-version = Cette page provient d’une autre version de Conclave : rechargez-la pour participer.
close-stalled = La connexion au serveur de réunion ne répond plus.
close-lost = La connexion a été perdue.
close-code = Le serveur a fermé la connexion (code { $code }).

## Why the camera and microphone could not be started (services/media.rs)
media-unsupported = ce navigateur ne donne pas accès à la caméra sur cette page (il faut HTTPS ou localhost)
media-blocked = L’accès à la caméra et au micro a été bloqué. Autorisez-le dans les paramètres du site du navigateur, ou participez sans.
media-not-found = Aucune caméra ni aucun micro n’a été trouvé.
media-in-use = La caméra ou le micro est utilisé par un autre programme.
media-failed = La caméra et le micro n’ont pas pu être démarrés.

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = ce navigateur ne peut pas chiffrer les médias de bout en bout (il ne dispose ni de RTCRtpScriptTransform ni de createEncodedStreams) ; utilisez une version récente de Chromium, Chrome, Edge, Firefox ou Safari
encryption-failure-worker-slow = le module de chiffrement n’a pas démarré à temps ; rechargez la page pour réessayer
encryption-failure-worker-not-started = le module de chiffrement n’a pas pu être démarré ; rechargez la page pour réessayer
encryption-failure-worker-stopped = le module de chiffrement s’est arrêté, pour que rien ne soit envoyé sans chiffrement ; rechargez la page pour réessayer
encryption-failure-key-not-handed-over = une nouvelle clé de réunion n’a pas pu être transmise au module de chiffrement ; rechargez la page pour réessayer
encryption-failure-no-identity = aucune clé de signature n’a pu être créée pour ce navigateur ; rechargez la page pour réessayer
