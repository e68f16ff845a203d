## Controls: the meeting's control bar.
controls-nav = Commandes de la réunion
controls-raise-hand = Lever la main
controls-lower-hand = Baisser la main
controls-react = Réagir
controls-reactions = Réactions
controls-send-thumbs-up = Envoyer la réaction « Pouce levé »
controls-send-applause = Envoyer la réaction « Applaudissements »
controls-send-laughter = Envoyer la réaction « Rire »
controls-send-surprise = Envoyer la réaction « Surprise »
controls-send-heart = Envoyer la réaction « Cœur »
controls-chat = Discussion
controls-chat-unread =
    { $count ->
        [one] Discussion, { $count } message non lu
       *[other] Discussion, { $count } messages non lus
    }
controls-speaker-view = Vue intervenant
controls-share-screen = Partager l’écran
controls-stop-sharing = Arrêter le partage
controls-copy-invite-link = Copier le lien d’invitation
controls-settings = Paramètres
controls-shortcuts = Raccourcis clavier
controls-leave = Quitter
controls-link-copied = Lien copié
controls-copy-failed = Impossible de copier. Copiez plutôt l’adresse depuis la barre d’adresse.
controls-link-renewed = Nouveau lien d’invitation : l’ancien ne permet plus à personne d’entrer

## Security code panel: the code to read aloud, and the frame cipher.
security-code-title = Code de sécurité
security-code-read-aloud = Lisez ces chiffres à voix haute : si tout le monde voit les mêmes, personne ne s’est interposé.
security-code-changed = Le code de sécurité a changé : quelqu’un est arrivé ou parti
security-code-checked = Vérifié à voix haute
security-code-mark-checked = Marquer comme vérifié
security-code-frames-sealed = Trames protégées par { $suite }
security-code-suite-detail = Suite de chiffrement SFrame { $suite } ({ $code })
security-code-suite-aes-128-ctr-hmac-80 = AES-128-CTR + HMAC, tag de 80 bits
security-code-suite-aes-128-ctr-hmac-64 = AES-128-CTR + HMAC, tag de 64 bits
security-code-suite-aes-128-ctr-hmac-32 = AES-128-CTR + HMAC, tag de 32 bits
security-code-suite-aes-128-gcm = AES-128-GCM (standard)
security-code-suite-aes-256-gcm = AES-256-GCM (haute sécurité)

## Shortcuts help: the keyboard shortcuts dialog.
shortcuts-title = Raccourcis clavier
shortcuts-key = Touche
shortcuts-action = Action
shortcuts-ignored-in-fields = Les raccourcis sont sans effet pendant que vous saisissez du texte dans un champ.
shortcuts-microphone = Couper ou rétablir le micro
shortcuts-camera = Désactiver ou activer la caméra
shortcuts-hand = Lever ou baisser la main
shortcuts-chat = Ouvrir ou fermer la discussion
shortcuts-help = Afficher ces raccourcis
shortcuts-leave = Quitter la réunion

## Modal dialog
modal-dialog-close = Fermer
