## Meeting page: alerts about the connection and encryption, the video grid.
meeting-fatal = Die Verschlüsselung ist nicht verfügbar, deshalb wurden Sie nicht mit der Besprechung verbunden.
meeting-fatal-detail = { $detail }. Es wurde weder Audio noch Video gesendet.
meeting-disconnected = Verbindung zum Besprechungsserver getrennt
meeting-disconnected-reason = : { $reason }
meeting-reconnecting = Verbindung wird wiederhergestellt…
meeting-reconnecting-detail = { $reason } Erneuter Versuch (Nr. { $number }); Sie werden der verschlüsselten Besprechung wieder hinzugefügt.
meeting-media-reconnecting = Verbindung zum Medienserver wird wiederhergestellt…
meeting-media-reconnecting-detail = Audio und Video werden automatisch fortgesetzt; die Verschlüsselung bleibt aktiv.
meeting-unproven = Diese Besprechung konnte nicht nachweisen, dass sie die aus Ihrem Link ist, daher wird nichts gesendet.
meeting-unproven-detail = Prüfen Sie den Link mit der Person, die ihn Ihnen gesendet hat.
meeting-video = Video
meeting-alone = Noch ist niemand sonst hier. Laden Sie mit „Einladungslink kopieren“ Personen ein.
meeting-settings = Einstellungen

## Announcements: what the meeting's live region tells screen reader users.
announcement-joined =
    { $count ->
        [one] { $names } ist der verschlüsselten Besprechung beigetreten
       *[other] { $names } sind der verschlüsselten Besprechung beigetreten
    }
announcement-left =
    { $count ->
        [one] { $names } hat die Besprechung verlassen
       *[other] { $names } haben die Besprechung verlassen
    }
announcement-hand-raised = { $name } hat die Hand gehoben

## Tiles: one's own preview and each remote member's video.
tile-you = Sie
tile-no-media = Keine Kamera und kein Mikrofon
tile-camera-off = Kamera aus
tile-muted = Stummgeschaltet
tile-hand-raised = ✋ Hand gehoben
tile-reconnecting = Verbindung wird wiederhergestellt…
tile-pin = Anheften
tile-unpin = Nicht mehr anheften
tile-pin-label = { $name } anheften
tile-full-screen = Vollbild
tile-full-screen-label = { $name } im Vollbild anzeigen
tile-status-waiting-for-key = Warten auf Schlüssel
tile-status-decrypting = Wird entschlüsselt
tile-status-cannot-decrypt = Entschlüsselung nicht möglich
tile-reaction-thumbs-up = Daumen hoch
tile-reaction-applause = Applaus
tile-reaction-laughter = Lachen
tile-reaction-surprise = Überraschung
tile-reaction-heart = Herz

## Media toggles: the microphone and camera switches.
media-toggles-mute-microphone = Mikrofon stummschalten
media-toggles-unmute-microphone = Mikrofon einschalten
media-toggles-camera-off = Kamera ausschalten
media-toggles-camera-on = Kamera einschalten

## Device notices and meeting problems (notices.rs)
device-notice-microphone-lost = Ihr Mikrofon wurde getrennt
device-notice-camera-lost = Ihre Kamera wurde getrennt
device-notice-replaced = { $device }: Jetzt wird ein anderes Gerät verwendet.
device-notice-none-left = { $device }, und kein anderes Gerät konnte gestartet werden ({ $error }).
device-notice-not-started = Dieses Gerät konnte nicht gestartet werden ({ $error }).
meeting-problem-server-said = Der Server meldet: { $detail }
meeting-problem-screen-share = Die Bildschirmfreigabe wurde nicht gestartet: { $error }
meeting-problem-peer-refused = Keine Verbindung zu { $name }: { $detail }. Jemand zwischen Ihnen manipuliert möglicherweise die Verbindung.
meeting-problem-failed = { $detail }

## Why the connection to the server closed (notices.rs)
close-unknown-room = Diese Besprechung gibt es auf dem Server nicht.
close-room-full = Die Besprechung ist voll.
close-not-understood = Der Server hat diesen Client nicht verstanden.
close-too-slow = Die Verbindung war zu langsam.
close-too-large = Eine Nachricht war zu groß.
close-other-version = Diese Seite stammt aus einer anderen Version von Conclave: Laden Sie sie neu, um teilzunehmen.
close-stalled = Die Verbindung zum Besprechungsserver ist ins Stocken geraten.
close-lost = Die Verbindung wurde unterbrochen.
close-code = Der Server hat die Verbindung beendet (Code { $code }).

## Why the camera and microphone could not be started (services/media.rs)
media-unsupported = Dieser Browser bietet auf dieser Seite keinen Kamerazugriff an (dafür sind HTTPS oder localhost nötig)
media-blocked = Der Zugriff auf Kamera und Mikrofon wurde blockiert. Erlauben Sie ihn in den Website-Einstellungen des Browsers oder nehmen Sie ohne sie teil.
media-not-found = Es wurde keine Kamera und kein Mikrofon gefunden.
media-in-use = Die Kamera oder das Mikrofon wird von einem anderen Programm verwendet.
media-failed = Kamera und Mikrofon konnten nicht gestartet werden ({ $detail }).

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = Dieser Browser kann Medien nicht Ende-zu-Ende verschlüsseln (er hat weder RTCRtpScriptTransform noch createEncodedStreams); verwenden Sie ein aktuelles Chromium, Chrome, Edge, Firefox oder Safari
encryption-failure-worker-slow = Der Verschlüsselungs-Worker ist nicht rechtzeitig gestartet; laden Sie die Seite neu, um es erneut zu versuchen
encryption-failure-no-identity = Für diesen Browser konnte kein Signaturschlüssel erstellt werden ({ $detail })
