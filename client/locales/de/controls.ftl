## Controls: the meeting's control bar.
controls-nav = Besprechungssteuerung
controls-raise-hand = Hand heben
controls-lower-hand = Hand senken
controls-react = Reagieren
controls-reactions = Reaktionen
controls-send-thumbs-up = Daumen hoch senden
controls-send-applause = Applaus senden
controls-send-laughter = Lachen senden
controls-send-surprise = Überraschung senden
controls-send-heart = Herz senden
controls-chat = Chat
controls-chat-unread =
    { $count ->
        [one] Chat, { $count } ungelesene Nachricht
       *[other] Chat, { $count } ungelesene Nachrichten
    }
controls-speaker-view = Sprecheransicht
controls-share-screen = Bildschirm freigeben
controls-stop-sharing = Freigabe beenden
controls-copy-invite-link = Einladungslink kopieren
controls-settings = Einstellungen
controls-shortcuts = Tastenkombinationen
controls-leave = Verlassen
controls-link-copied = Link kopiert
controls-copy-failed = Kopieren nicht möglich. Kopieren Sie stattdessen die Adresse aus der Adressleiste.
controls-link-renewed = Neuer Einladungslink: Mit dem alten Link erhält niemand mehr Zutritt

## Security code panel: the code to read aloud, and the frame cipher.
security-code-title = Sicherheitscode
security-code-read-aloud = Lesen Sie diese Zahlen laut vor: Sehen alle dieselben, sitzt niemand dazwischen.
security-code-changed = Der Sicherheitscode hat sich geändert: Jemand ist beigetreten oder gegangen
security-code-checked = Laut abgeglichen
security-code-mark-checked = Als abgeglichen markieren
security-code-frames-sealed = Frames geschützt mit { $suite }
security-code-suite-detail = SFrame-Cipher-Suite { $suite } ({ $code })
security-code-suite-aes-128-ctr-hmac-80 = AES-128-CTR + HMAC, 80-Bit-Tag
security-code-suite-aes-128-ctr-hmac-64 = AES-128-CTR + HMAC, 64-Bit-Tag
security-code-suite-aes-128-ctr-hmac-32 = AES-128-CTR + HMAC, 32-Bit-Tag
security-code-suite-aes-128-gcm = AES-128-GCM (Standard)
security-code-suite-aes-256-gcm = AES-256-GCM (hohe Sicherheitsstufe)

## Shortcuts help: the keyboard shortcuts dialog.
shortcuts-title = Tastenkombinationen
shortcuts-key = Taste
shortcuts-action = Aktion
shortcuts-ignored-in-fields = Während Sie in einem Feld schreiben, sind die Tastenkombinationen ohne Wirkung.
shortcuts-microphone = Mikrofon stumm- oder einschalten
shortcuts-camera = Kamera aus- oder einschalten
shortcuts-hand = Hand heben oder senken
shortcuts-chat = Chat öffnen oder schließen
shortcuts-help = Diese Tastenkombinationen anzeigen
shortcuts-leave = Besprechung verlassen

## Modal dialog
modal-dialog-close = Schließen
