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
meeting-problem-server-unreadable = Eine Nachricht des Servers konnte nicht gelesen werden. Falls die Besprechung nicht mehr funktioniert, laden Sie die Seite neu.
meeting-problem-not-sent = Eine Nachricht konnte nicht an den Server gesendet werden. Falls die Besprechung nicht mehr funktioniert, prüfen Sie Ihre Verbindung und laden Sie die Seite neu.
meeting-problem-screen-share-not-allowed = Die Bildschirmfreigabe wurde nicht gestartet: Sie wurde abgebrochen, oder der Browser erlaubt sie auf dieser Seite nicht.
meeting-problem-screen-share-not-captured = Ihr Bildschirm konnte nicht aufgenommen werden. Versuchen Sie es erneut, oder wählen Sie einen anderen Bildschirm oder ein anderes Fenster.
meeting-problem-screen-share-unsupported = Dieser Browser kann Ihren Bildschirm auf dieser Seite nicht freigeben.
meeting-problem-screen-share-failed = Die Bildschirmfreigabe wurde nicht gestartet. Versuchen Sie es erneut.
meeting-problem-peer-refused = Keine Verbindung zu { $name }: Es ließ sich nicht bestätigen, dass die Verbindungsdaten von dieser Person stammen. Jemand zwischen Ihnen manipuliert möglicherweise die Verbindung.
meeting-problem-peer-refused-unnamed = Keine Verbindung zu einer teilnehmenden Person: Es ließ sich nicht bestätigen, dass die Verbindungsdaten von ihr stammen. Jemand zwischen Ihnen manipuliert möglicherweise die Verbindung.
meeting-problem-peer-connection = Die Verbindung zu einer anderen teilnehmenden Person ist fehlgeschlagen; Sie sehen oder hören sie möglicherweise nicht. Ein Neuladen der Seite kann helfen.
meeting-problem-received-media = Audio oder Video einer anderen teilnehmenden Person konnte nicht entschlüsselt oder wiedergegeben werden und wird daher nicht angezeigt.
meeting-problem-senders-not-updated = Der Verschlüsselung konnte nicht mitgeteilt werden, wer jetzt an der Besprechung teilnimmt; manches Audio oder Video wird daher möglicherweise nicht angezeigt. Ein Neuladen der Seite kann helfen.

## What the server refused, by its error code (notices.rs)
server-error-malformed-message = Der Server konnte eine Nachricht dieser Seite nicht lesen. Falls die Besprechung nicht mehr funktioniert, laden Sie die Seite neu.
server-error-not-joined = Der Server hat eine Nachricht dieser Seite erhalten, bevor sie beigetreten war. Falls die Besprechung nicht mehr funktioniert, laden Sie die Seite neu.
server-error-already-joined = Diese Seite hat den Server zweimal um die Teilnahme gebeten. Falls die Besprechung nicht mehr funktioniert, laden Sie die Seite neu.
server-error-unknown-participant = Eine Nachricht konnte nicht zugestellt werden: Diese Person ist nicht mehr mit der Besprechung verbunden.
server-error-room-full = Die Besprechung ist voll.
server-error-unknown-room = Diese Besprechung gibt es auf dem Server nicht.
server-error-message-too-big = Eine Nachricht war für den Server zu groß und wurde nicht zugestellt.
server-error-group-exists = Jemand anderes hat die Verschlüsselung der Besprechung im selben Moment gestartet. Falls Sie nicht bald eingelassen werden, laden Sie die Seite neu.
server-error-no-group = Die Verschlüsselung der Besprechung ist auf dem Server noch nicht gestartet. Falls Sie nicht bald eingelassen werden, laden Sie die Seite neu.
server-error-rate-limited = Diese Seite hat in kurzer Zeit zu viele Nachrichten gesendet. Warten Sie einen Moment und versuchen Sie es dann erneut.
server-error-invalid-join-challenge = Der Server hat die Prüfung dieser Seite für Personen, die über den Link beitreten, abgelehnt; nichts wurde geändert. Falls andere nicht hereinkommen, laden Sie die Seite neu.
server-error-sfu-unavailable = Der Medienserver ist nicht erreichbar. Der Server versucht es weiter; Audio und Video starten, sobald er antwortet.
server-error-not-a-member = Das können nur Personen, die bereits in der verschlüsselten Besprechung sind; nichts wurde geändert.
server-error-not-knocking = Diese Person ist bereits in der Besprechung; nichts wurde geändert.
server-error-unknown = Der Server hat eine Anfrage dieser Seite abgelehnt. Falls die Besprechung nicht mehr funktioniert, laden Sie die Seite neu.

## Why the connection to the server closed (notices.rs)
close-unknown-room = Diese Besprechung gibt es auf dem Server nicht.
close-room-full = Die Besprechung ist voll.
close-mesh-full = Die Besprechung ist voll: Besprechungen ohne Medienserver haben höchstens { $count } Teilnehmende.
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
media-failed = Kamera und Mikrofon konnten nicht gestartet werden.

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = Dieser Browser kann Medien nicht Ende-zu-Ende verschlüsseln (er hat weder RTCRtpScriptTransform noch createEncodedStreams); verwenden Sie ein aktuelles Chromium, Chrome, Edge, Firefox oder Safari
encryption-failure-worker-slow = Der Verschlüsselungs-Worker ist nicht rechtzeitig gestartet; laden Sie die Seite neu, um es erneut zu versuchen
encryption-failure-worker-not-started = Der Verschlüsselungs-Worker konnte nicht gestartet werden; laden Sie die Seite neu, um es erneut zu versuchen
encryption-failure-worker-stopped = Der Verschlüsselungs-Worker wurde angehalten, damit nichts unverschlüsselt gesendet wird; laden Sie die Seite neu, um es erneut zu versuchen
encryption-failure-key-not-handed-over = Ein neuer Besprechungsschlüssel konnte nicht an den Verschlüsselungs-Worker übergeben werden; laden Sie die Seite neu, um es erneut zu versuchen
encryption-failure-no-identity = Für diesen Browser konnte kein Signaturschlüssel erstellt werden; laden Sie die Seite neu, um es erneut zu versuchen
