# Die Registrierungsseite (/enroll, der Link einer Organisation /enroll#org=…): Eine Person
# bittet ihre Organisation, für den Schlüssel dieses Browsers zu bürgen, und importiert dann das
# ausgestellte Zertifikat.

## Die Seite und der Schlüssel dieses Browsers ($fingerprint: vier Gruppen aus vier Hex-Ziffern).
enroll-title = Bei Ihrer Organisation registrieren
enroll-lede = Ihre Organisation kann für den Schlüssel bürgen, den dieser Browser in Besprechungen verwendet: Die anderen sehen Ihren Namen dann so, wie Ihre Organisation ihn geschrieben hat, als verifiziert markiert. Der Schlüssel verlässt diesen Browser nie; Sie senden nur eine Anfrage, die ihn nennt.
enroll-link-organisation = Dieser Registrierungslink stammt von der Organisation, deren Zertifikats-Fingerabdruck mit { $fingerprint } beginnt. Ihre Administration kann das bestätigen.
enroll-loading = Schlüssel dieses Browsers wird geladen…
enroll-your-key = Schlüssel dieses Browsers: { $fingerprint }
enroll-key-not-kept = Dieser Browser kann keinen Schlüssel speichern (privates Surfen oder Website-Speicher ausgeschaltet) und kann daher nicht registriert werden. Öffnen Sie diese Seite in einem normalen Fenster.
enroll-key-blocked = Ein anderer Conclave-Tab von vor einem Update belegt den Speicher dieses Browsers. Schließen Sie die anderen Conclave-Tabs und laden Sie diese Seite neu.

## Das in diesem Browser gespeicherte Zertifikat ($organisation, $name, $role stammen aus dem Zertifikat).
enroll-certificate-heading = Ihr Zertifikat
enroll-verified = Verifiziert von { $organisation }: { $name }, { $role }
enroll-verified-no-role = Verifiziert von { $organisation }: { $name }
enroll-valid-until = Gültig bis { $date }
enroll-remove = Zertifikat entfernen
enroll-removed = Das Zertifikat wurde aus diesem Browser entfernt. Besprechungen zeigen Sie als nicht verifiziert, bis Sie wieder eines importieren.
enroll-remove-failed = Das Zertifikat konnte nicht entfernt werden. Laden Sie die Seite neu und versuchen Sie es erneut.
enroll-stored-invalid = Das in diesem Browser gespeicherte Zertifikat wird nicht verwendet: { $reason }

## Schritt 1: die Anfrage.
enroll-request-heading = 1. Registrierungsanfrage erstellen
enroll-name = Ihr Name
enroll-name-hint = So, wie Ihre Organisation Sie kennt. Den Namen im Zertifikat legt Ihre Administration fest.
enroll-name-empty = Geben Sie zuerst Ihren Namen ein.
enroll-make-request = Registrierungsanfrage erstellen
enroll-request-failed = Die Registrierungsanfrage konnte nicht erstellt werden.
enroll-request-label = Registrierungsanfrage
enroll-send-request = Senden Sie diese Anfrage an die Administration Ihrer Organisation, per E-Mail oder als heruntergeladene Datei. Sie enthält kein Geheimnis; Sie erhalten ein Zertifikat zurück.
enroll-copy = Kopieren
enroll-copied = Kopiert.
enroll-copy-failed = Der Browser hat das Kopieren nicht erlaubt. Markieren Sie den Text und kopieren Sie ihn selbst.
enroll-download = Herunterladen
enroll-download-failed = Die Anfrage konnte nicht heruntergeladen werden. Kopieren Sie sie stattdessen.

## Schritt 2: das Zertifikat, das die Administration zurücksendet.
enroll-import-heading = 2. Ihr Zertifikat importieren
enroll-import-label = Zertifikat von Ihrer Administration
enroll-import-hint = Fügen Sie den Text ein, den Ihre Administration gesendet hat (er beginnt mit -----BEGIN CERTIFICATE-----), oder wählen Sie die Datei.
enroll-import-file = Zertifikatsdatei
enroll-import-button = Zertifikat importieren
enroll-file-unreadable = Diese Datei konnte nicht gelesen werden. Wählen Sie die Datei, die Ihre Administration gesendet hat, oder fügen Sie ihren Text ein.
enroll-store-failed = Das Zertifikat ist gültig, aber dieser Browser konnte es nicht speichern. Versuchen Sie es erneut.
enroll-import-empty = Fügen Sie das Zertifikat ein, das Ihre Administration gesendet hat, oder wählen Sie seine Datei.

## Warum ein Zertifikat nicht importiert wird, ein Satz pro Grund.
enroll-refusal-other-organisation = Dieses Zertifikat stammt nicht von der Organisation Ihres Registrierungslinks.
enroll-refusal-malformed = Das ist kein Zertifikat, das Conclave lesen kann: Es müssen zwei Zertifikate sein, zuerst Ihres, dann das Ihrer Organisation.
enroll-refusal-unsupported-algorithm = Dieses Zertifikat verwendet eine Schlüssel- oder Signaturart, die Conclave nicht akzeptiert (nur Ed25519). Bitten Sie Ihre Administration, es mit dem Werkzeug von Conclave auszustellen.
enroll-refusal-unpinned-authority = Die Organisation dieses Zertifikats wird hier nicht akzeptiert.
enroll-refusal-not-an-authority = Das zweite Zertifikat ist nicht die Zertifizierungsstelle einer Organisation.
enroll-refusal-name-mismatch = Ihr Zertifikat nennt nicht die Organisation der Zertifizierungsstelle, die es signiert hat.
enroll-refusal-bad-signature = Die Signatur des Zertifikats ist ungültig: Es wurde verändert oder nicht von der genannten Organisation signiert.
enroll-refusal-not-yet-valid = Dieses Zertifikat ist noch nicht gültig. Prüfen Sie Datum und Uhrzeit dieses Computers oder fragen Sie Ihre Administration.
enroll-refusal-expired = Dieses Zertifikat ist abgelaufen. Bitten Sie Ihre Administration um ein neues.
enroll-refusal-revoked = Ihre Organisation hat dieses Zertifikat widerrufen.
enroll-refusal-revocation-list-missing = Ihre Organisation hat keine Sperrliste veröffentlicht, daher werden ihre Zertifikate nicht akzeptiert.
enroll-refusal-revocation-list-out-of-date = Die Sperrliste Ihrer Organisation ist veraltet, daher werden ihre Zertifikate vorerst nicht akzeptiert.
enroll-refusal-key-mismatch = Dieses Zertifikat gilt für einen anderen Schlüssel, nicht für den dieses Browsers. Importieren Sie es in dem Browser, der die Anfrage erstellt hat.
enroll-refusal-missing-name = Dieses Zertifikat nennt keine Person oder keine Organisation.
enroll-refusal-other = Dieses Zertifikat kann nicht verwendet werden.

## Ein beschädigter Registrierungslink.
enroll-broken-link-title = Dieser Registrierungslink lässt sich nicht öffnen
enroll-broken-link = Dieser Registrierungslink ist beschädigt: Nach # sollte org= und 64 Buchstaben und Ziffern stehen. Bitten Sie Ihre Organisation erneut um den Link.

## Auf der Startseite.
home-enroll-link = Bei Ihrer Organisation registrieren
