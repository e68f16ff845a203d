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
meeting-problem-server-said = Le serveur a répondu : { $detail }
meeting-problem-screen-share = Le partage d’écran n’a pas démarré : { $error }
meeting-problem-peer-refused = Pas de connexion avec { $name } : { $detail }. Quelqu’un entre vous manipule peut-être la connexion.
meeting-problem-failed = { $detail }

## Why the connection to the server closed (notices.rs)
close-unknown-room = Cette réunion n’existe pas sur le serveur.
close-room-full = La réunion est complète.
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
media-failed = La caméra et le micro n’ont pas pu être démarrés ({ $detail }).

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = ce navigateur ne peut pas chiffrer les médias de bout en bout (il ne dispose ni de RTCRtpScriptTransform ni de createEncodedStreams) ; utilisez une version récente de Chromium, Chrome, Edge, Firefox ou Safari
encryption-failure-worker-slow = le worker de chiffrement n’a pas démarré à temps ; rechargez la page pour réessayer
encryption-failure-no-identity = aucune clé de signature n’a pu être créée pour ce navigateur ({ $detail })
