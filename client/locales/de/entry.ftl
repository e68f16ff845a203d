# Before and after the meeting: the home page, the lobby, broken links, leaving, devices,
# and the encryption banner and status line.

## Home page: start a meeting or open an invite link.
home-lede = Videobesprechungen, die nur die Teilnehmenden sehen und hören können: Jeder Frame wird in Ihrem Browser verschlüsselt, und der Schlüssel erreicht nie einen Server.
home-new-meeting = Neue Besprechung
home-starting = Wird gestartet…
home-frame-encryption = Frame-Verschlüsselung
home-frame-suite-help = Alle Teilnehmenden verwenden dieses Verschlüsselungsverfahren; der Einladungslink überträgt die Auswahl.
home-who-can-join = Wer teilnehmen darf
home-admission-chair = Personen, die der Vorsitz einlässt
home-admission-open = Alle, die den Link haben
home-admission-help = Sie haben den Vorsitz: Bei der ersten Option lassen Sie jede Person einzeln ein.
home-verified-identities = Verifizierte Identitäten
home-verified-only = Nur Mitglieder, die eine akzeptierte Organisation verifiziert hat
home-accept-organisation = Von { $organisation } verifizierte Mitglieder akzeptieren (Zertifikat { $pin })
home-verified-help = Alle in der Besprechung sehen, für wen eine akzeptierte Organisation bürgt. Mit „nur verifizierte Mitglieder“ weist der Browser jeder teilnehmenden Person alle anderen ab, und niemand kann das während der Besprechung ändern.
home-organisations-same-name = Zwei dieser Organisationen tragen denselben Namen: Vergleichen Sie ihre Zertifikate mit den von den Organisationen veröffentlichten, bevor Sie eine davon akzeptieren.
home-create-failed = Die Besprechung konnte nicht gestartet werden. { $reason }
home-no-secure-random = Dieser Browser bietet keine sicheren Zufallszahlen, deshalb kann kein Schlüssel für die Besprechung erstellt werden. Verwenden Sie einen aktuellen Browser.
room-error-network = Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
room-error-too-many-rooms = Auf dem Server laufen bereits so viele Besprechungen, wie er bewältigen kann. Versuchen Sie es später erneut.
room-error-server-busy = Der Server ist zu ausgelastet, um eine Besprechung zu starten. Versuchen Sie es gleich noch einmal.
room-error-creation-not-allowed = Auf diesem Server dürfen nur eingeladene Organisatoren Besprechungen anlegen; öffnen Sie den Link, den Ihre Organisation Ihnen gegeben hat.
room-error-rate-limited = Aus diesem Netz wurden in kurzer Zeit zu viele Besprechungen angefordert. Warten Sie eine Minute und versuchen Sie es dann erneut.
room-error-status = Der Server hat die Anfrage abgelehnt (HTTP-Status { $code }). Versuchen Sie es später erneut.
room-error-bad-reply = Die Antwort des Servers konnte nicht gelesen werden. Versuchen Sie es erneut, oder laden Sie die Seite neu.
home-have-invite = Haben Sie eine Einladung?
home-invite-link = Einladungslink
home-invite-link-placeholder = https://…/m/…#…
home-join = Teilnehmen

## Invite link errors: why a pasted link does not open a meeting.
invite-error-empty = Fügen Sie den Einladungslink ein, den Sie erhalten haben.
invite-error-not-a-meeting-link = Das ist kein Conclave-Einladungslink. Er sollte so aussehen: https://host/m/RAUM#SCHLÜSSEL.
invite-error-malformed-room-id = Die Besprechungs-ID in diesem Link ist beschädigt. Fordern Sie den Link erneut an.
invite-error-missing-key = Diesem Link fehlt der Besprechungsschlüssel (der Teil nach #). Fordern Sie den vollständigen Link an.
invite-error-malformed-key = Der Besprechungsschlüssel in diesem Link ist beschädigt oder unvollständig. Fordern Sie den Link erneut an.
invite-error-unknown-frame-suite = Dieser Link verlangt eine Verschlüsselungsrichtlinie, die diese App nicht kennt. Fordern Sie den Link erneut an.
invite-error-malformed-trust = Die Organisationen, die die Besprechung dieses Links akzeptiert, sind beschädigt. Fordern Sie den Link erneut an.

## Lobby: name, preview and switches before joining.
lobby-title = Bereit zur Teilnahme?
lobby-camera-preview = Kameravorschau
lobby-starting-media = Kamera und Mikrofon werden gestartet…
lobby-no-media = Keine Kamera und kein Mikrofon
lobby-camera-off = Kamera aus
lobby-your-name = Ihr Name
lobby-join-meeting = An der Besprechung teilnehmen
lobby-frame-suite = Frame-Verschlüsselung: { $suite }
lobby-e2ee-note = Ende-zu-Ende-verschlüsselt. Das Einladungsgeheimnis ist der Teil des Links nach #: Ihr Browser sendet es nie an den Server, und nur Personen, die es haben, können eingelassen werden.
lobby-media-failed = { $detail } Sie können trotzdem teilnehmen: Sie sehen und hören die anderen, aber diese sehen und hören Sie nicht.

## Broken invite and unknown pages.
broken-invite-title = Diese Besprechung kann nicht geöffnet werden
broken-invite-missing-key = Diesem Link fehlt der Besprechungsschlüssel: Der Teil nach # fehlt. Bitten Sie die Person, die Sie eingeladen hat, um den vollständigen Link.
broken-invite-malformed-key = Dieser Link enthält keinen funktionierenden Besprechungsschlüssel: Der Teil nach # ist beschädigt oder unvollständig. Bitten Sie die Person, die Sie eingeladen hat, um den vollständigen Link.
broken-invite-damaged = Dieser Besprechungslink ist beschädigt. Bitten Sie die Person, die Sie eingeladen hat, erneut um den Link.
broken-invite-never-without-key = Conclave tritt einer Besprechung nie ohne ihren Schlüssel bei: Der Schlüssel hält die Besprechung vertraulich.
broken-invite-go-home = Zur Startseite
not-found-title = Seite nicht gefunden
not-found-detail = Unter dieser Adresse gibt es nichts.

## Left page: after leaving the meeting.
left-title = Sie haben die Besprechung verlassen
left-detail = Ihre Kamera und Ihr Mikrofon sind aus. Die Besprechung geht für die anderen weiter.
left-rejoin = Wieder teilnehmen
left-home = Startseite

## Device settings: camera, microphone and speaker pickers.
device-settings-legend = Kamera, Mikrofon und Lautsprecher
device-settings-camera = Kamera
device-settings-microphone = Mikrofon
device-settings-speaker = Lautsprecher
device-settings-none-found = Keine gefunden
# A device the browser gives no name: its kind and its place in the list ("Camera 2").
device-settings-unnamed = { $device } { $count }
device-settings-microphone-level = Mikrofonpegel
device-settings-test-sound = Testton abspielen
device-settings-test-sound-failed = Der Testton konnte nicht abgespielt werden.

## End-to-end encryption banner ($detail is the browser API's own name).
e2ee-banner-title = Ende-zu-Ende-verschlüsselt
e2ee-banner-ready = Jeder Frame wird in diesem Browser verschlüsselt (SFrame, { $detail }), bevor er gesendet wird.
e2ee-banner-starting = Verschlüsselung wird gestartet ({ $detail })…
e2ee-banner-checking = Verschlüsselungsunterstützung dieses Browsers wird geprüft…

## Encryption status line: where this browser stands in the meeting's MLS group.
encryption-status-label = Verschlüsselungsstatus
encryption-status-joining = Beitritt zur verschlüsselten Besprechung…
encryption-status-waiting-for-chair = Warten, bis der Vorsitz Sie einlässt
encryption-status-waiting-to-be-added = Warten auf Aufnahme durch ein Mitglied…
encryption-status-link-may-be-wrong = Wenn dies länger dauert, ist Ihr Einladungslink möglicherweise falsch.
encryption-status-resyncing = Schlüssel werden neu synchronisiert…
encryption-status-member = Schlüssel vereinbart: Nur die unter „Teilnehmende“ aufgeführten Personen können diese Besprechung sehen und hören.
