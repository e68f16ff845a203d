## Chat panel: the meeting's end-to-end encrypted chat.
chat-title = Chat
chat-close = Chat schließen
chat-encrypted-note = Ende-zu-Ende-verschlüsselt. Nur für die Dauer dieser Besprechung gespeichert.
chat-message-label = Nachricht an alle
chat-send = Senden
chat-you = Sie
chat-undecryptable =
    { $count ->
        [one] Eine Nachricht konnte nicht entschlüsselt werden (verändert, wiederholt oder zu alt).
       *[other] { $count } Nachrichten konnten nicht entschlüsselt werden (verändert, wiederholt oder zu alt).
    }
chat-refusal-empty = Bitte geben Sie zuerst eine Nachricht ein.
chat-refusal-too-long = Eine Nachricht darf höchstens { $count } Zeichen lang sein.
chat-refusal-too-fast = Sie senden sehr schnell Nachrichten: Bitte warten Sie einige Sekunden.
chat-refusal-not-in-meeting = Nicht gesendet: Sie sind noch nicht in der verschlüsselten Besprechung.
chat-refusal-cannot-encrypt = Nicht gesendet: Die Nachricht konnte nicht verschlüsselt werden.

## Roster panel: the encrypted meeting's members, and who else is in the room.
roster-title = Teilnehmende
roster-not-in-meeting-yet = Sie sind noch nicht in der verschlüsselten Besprechung.
roster-you = { $name } (Sie)
roster-chair = Vorsitz
roster-muted = stummgeschaltet
roster-seen-before = bereits bekannt
roster-verified = Verifiziert von { $organisation }: { $name }, { $role }
roster-verified-no-role = Verifiziert von { $organisation }: { $name }
roster-not-verified = Nicht verifiziert (Name von der Person eingegeben)
roster-verification-refused = Nicht verifiziert: { $reason }
roster-was-verified = Warnung: Dieser Schlüssel war schon einmal von { $organisation } verifiziert (in dieser oder einer früheren Besprechung) und ist es jetzt nicht.
verification-reason-unpinned = Organisation in dieser Besprechung nicht akzeptiert
verification-reason-expired = Zertifikat abgelaufen
verification-reason-not-yet-valid = Zertifikat noch nicht gültig
verification-reason-revoked = Zertifikat widerrufen
verification-reason-revocation-list = die Sperrliste der Organisation fehlt oder ist veraltet
verification-reason-invalid = Zertifikat ungültig
meeting-trust-verified-only = Nur verifizierte Mitglieder.
meeting-trust-accepts = Akzeptiert Mitglieder, verifiziert von: { $organisations }
meeting-trust-accepts-none = Akzeptiert keine Organisation, die dieser Server derzeit aufführt.
roster-key-not-remembered = Ihr Schlüssel wird in diesem Browser nicht gespeichert
roster-outsiders-label = Nicht in der verschlüsselten Besprechung
roster-outsiders-title = Ebenfalls im Raum
roster-outsider = Nicht identifizierte Verbindung ({ $detail }) - nicht in der verschlüsselten Besprechung - kann Sie weder sehen noch hören
roster-outsider-knocking = { $name } (bittet um Zutritt, { $detail }) - nicht in der verschlüsselten Besprechung - kann Sie weder sehen noch hören
roster-for-seconds = seit { $count } s
roster-for-minutes = seit { $count } min
roster-for-hours = seit { $count } h

## Knock prompt: people asking a chair to be let in.
knock-title = Zutrittsanfragen
knock-asks-to-join = { $name } bittet um Zutritt
knock-people-ask-to-join =
    { $count ->
        [one] { $count } Person bittet um Zutritt
       *[other] { $count } Personen bitten um Zutritt
    }
knock-waiting =
    { $count ->
        [one] { $count } Person wartet darauf, dass Sie sie einlassen.
       *[other] { $count } Personen warten darauf, dass Sie sie einlassen.
    }
knock-locked = Die Besprechung ist gesperrt: Heben Sie die Sperre auf, um jemanden zuzulassen.
knock-key = Schlüssel
knock-admit = Zulassen
knock-deny = Ablehnen
# Screen readers only, after Admit or Deny: whom the button answers.
knock-who = : { $name }
knock-admit-all = Alle zulassen

## Chair controls: lock, new link, end for all; and the alert when a chair action failed.
chair-controls-title = Steuerung für den Vorsitz
chair-locked = Gesperrt: Niemand Neues kann beitreten.
chair-open = Offen für Personen, die Sie zulassen.
chair-unlock = Entsperren
chair-lock = Sperren
chair-new-link = Neuer Link
chair-end-for-all = Für alle beenden
chair-end-question = Die Besprechung für alle beenden? Jede Seite verlässt sie und verwirft ihre Schlüssel.
chair-end-confirm = Ja, für alle beenden
chair-end-cancel = Abbrechen
chair-new-link-help = Mit einem neuen Link lässt der alte Link niemanden Neues mehr herein.
chair-action-failed = Diese Änderung wurde nicht übernommen
# Follows chair-action-failed directly (which is in bold).
chair-action-failed-detail = . Versuchen Sie es erneut; falls der Fehler bestehen bleibt, verwirft der Server die Änderung möglicherweise.
chair-action-dismiss = Ausblenden

## Member actions: a chair's buttons for another member in the roster.
member-actions-make-chair = Zum Co-Vorsitz ernennen
member-actions-remove-chair = Co-Vorsitz entziehen
# Screen readers only, after Make co-chair or Remove co-chair.
member-actions-chair-who = : { $name }
member-actions-remove = Entfernen
# Screen readers only, after Remove.
member-actions-who = : { $name }

## Closed page: why the meeting is over for this browser.
closed-removed = Der Vorsitz hat Sie aus der Besprechung entfernt
closed-denied = Der Vorsitz hat Ihnen keinen Zutritt gewährt
closed-locked-out = Diese Besprechung ist gesperrt
closed-link-replaced = Dieser Einladungslink wurde ersetzt
closed-not-verified = Diese Besprechung lässt nur verifizierte Mitglieder zu
closed-ended = Der Vorsitz hat die Besprechung beendet
closed-server-removed = Der Server hat Ihre Verbindung getrennt
closed-server-ended = Der Server hat die Besprechung geschlossen
closed-keys-dropped = Ihr Browser hat die Schlüssel der Besprechung verworfen: Er kann die Besprechung nicht mehr sehen oder hören.
closed-not-added = Sie wurden nicht hinzugefügt: Sie hatten die Schlüssel der Besprechung nie erhalten.
closed-link-replaced-detail = Der Vorsitz hat einen neuen Link für diese Besprechung erstellt, und mit diesem Link erhält niemand mehr Zutritt. Bitten Sie eine Person in der Besprechung um den neuen Link.
closed-not-verified-detail = Nur Personen, die eine von dieser Besprechung akzeptierte Organisation verifiziert hat, erhalten Zutritt, und dieser Browser hat kein solches Zertifikat (oder es ist abgelaufen oder widerrufen). Bitten Sie Ihre Organisation, diesen Browser zu registrieren, und öffnen Sie den Link dann erneut.
closed-server-removed-detail = Er gab an, dass der Vorsitz Sie entfernt hat, aber die verschlüsselte Gruppe der Besprechung hat dies nicht gezeigt. Ihr Browser hat die Schlüssel der Besprechung verworfen.
closed-server-ended-detail = Die verschlüsselte Gruppe der Besprechung hat nicht gezeigt, dass der Vorsitz sie beendet hat. Ihr Browser hat die Schlüssel der Besprechung verworfen.
closed-home = Startseite
