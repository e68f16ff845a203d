# The code this browser runs (issue 15): the alarm when the server offered other code, the
# first-visit notice, and "About this build". Build ids ($build: four groups of four hex
# digits), key ids, versions and commits are shown as they are; $date is a date and time
# in the page's language.

## Alarm: on every screen once Conclave's code guard refused code the server offered.
integrity-alarm-tampered-file = Dieser Server hat Code angeboten, der keine signierte Conclave-Version ist.
# $reason is one of the integrity-refused-* phrases below.
integrity-alarm-refused-update = Dieser Server hat Code angeboten, der keine signierte Conclave-Version ist: { $reason }.
integrity-alarm-rollback = Dieser Server hat eine ältere Conclave-Version angeboten als die, die Sie verwenden; sie könnte längst behobene Schwachstellen zurückbringen. Conclave hat sie abgelehnt.
integrity-alarm-guard-replaced = Dieser Server hat möglicherweise den Codewächter von Conclave ersetzt.
integrity-alarm-guard-replaced-detail = Der Wächter prüft jede Datei gegen die signierte Version: Was dieser Browser als Nächstes lädt, wird womöglich nicht geprüft.
integrity-alarm-pin-erased = Die festgehaltene Kopie von Conclave in diesem Browser wurde gelöscht, während diese Seite offen war: von diesem Server oder durch das Löschen der Daten dieser Website. Der nächste Besuch vertraut dem Server wieder wie ein erster Besuch.
integrity-alarm-other = Der Codewächter von Conclave hat eine Warnung ausgelöst, die diese Version nicht benennen kann.
integrity-alarm-still-running = Sie verwenden weiterhin den signierten Build { $build }, in diesem Browser festgehalten seit dem { $date }.
integrity-alarm-still-running-undated = Sie verwenden weiterhin den signierten Build { $build }.
integrity-alarm-not-pinned = Diese Seite selbst wurde nicht aus einer festgehaltenen, signierten Kopie von Conclave geladen.
integrity-alarm-what-to-do = Informieren Sie Ihre IT-Administration, und löschen Sie die Daten dieser Website nicht.
integrity-alarm-when =
    { $count ->
        [one] Gewarnt am { $date }.
       *[other] { $count }-mal gewarnt, zuletzt am { $date }. „Über diesen Build“ listet jede Warnung auf.
    }
integrity-refused-unsigned = Zu wenige der Schlüssel, denen dieser Browser vertraut, haben ihn signiert
integrity-refused-unknown-policy = Er nennt Signaturschlüssel, denen dieser Browser nicht vertraut
integrity-refused-bad-file = Eine Datei weicht von dem ab, was signiert wurde
integrity-refused-malformed = Seine signierte Beschreibung war nicht lesbar
integrity-refused-other = Der Codewächter von Conclave hat ihn abgelehnt

## Notices where a meeting is started or joined (home page, lobby).
integrity-first-visit = Erster Besuch in diesem Browser: Conclave vertraut diesem Server einmalig. Build { $build }: Vergleichen Sie ihn unter „Über diesen Build“ mit dem veröffentlichten.
integrity-first-visit-no-build = Erster Besuch in diesem Browser: Conclave vertraut diesem Server einmalig.
integrity-unpinned = Dieser Browser hält für diesen Server keine geprüfte Kopie von Conclave fest: Diese Seite führt den Code aus, den der Server gesendet hat, ungeprüft.
integrity-unsupported = Dieser Browser kann keine geprüfte Kopie von Conclave festhalten (er hat keine Service Worker): Diese Seite führt den Code aus, den der Server gesendet hat, ungeprüft.

## About this build: a dialog from the home page, the lobby and the meeting.
about-build-open = Über diesen Build
about-build-title = Über diesen Build
about-build-not-known = Noch unbekannt: Der Codewächter von Conclave hat noch nicht geantwortet.
about-build-mode-pinned = Festgehalten: Dieser Browser führt Conclave aus seiner eigenen geprüften Kopie aus und übernimmt nur signierte Updates.
about-build-mode-first-visit = Erster Besuch: Dieser Browser vertraut diesem Server einmalig und hält diesen Build von nun an fest.
about-build-mode-unpinned = Nicht festgehalten: Diese Seite führt den Code aus, den der Server gesendet hat, ungeprüft.
about-build-mode-unsupported = Nicht unterstützt: Dieser Browser kann keine geprüfte Kopie von Conclave festhalten (er hat keine Service Worker).
about-build-mode-unknown = Unbekannt: Der Codewächter von Conclave meldet einen Zustand, den diese Version nicht benennen kann.
about-build-test-build = Dies ist ein Test-Build (Test-Hooks aktiv): Verwenden Sie ihn nie für echte Besprechungen.
about-build-id = Build-ID
about-build-version = Version
about-build-serial = Release-Seriennummer
about-build-commit = Commit
about-build-signatures = Signaturen
# $names: the ids of the keys that signed; $number of the policy's $total keys must sign.
about-build-signed =
    Signiert von { $count ->
        [one] einem
       *[other] { $count }
    } der { $total } Schlüssel seiner Signaturrichtlinie ({ $number } erforderlich): { $names }
about-build-pinned-since = Festgehalten seit
about-build-compare = Vergleichen Sie die Build-ID mit der, die Ihre Organisation veröffentlicht hat.
about-build-update = Ein neuerer signierter Build { $build } wird beim nächsten Laden verwendet.
about-build-alarms = Warnungen
about-build-no-alarms = Keine: Dieser Server hat diesem Browser keinen anderen Code angeboten.
about-build-alarm-undated = Datum unbekannt
