# The code this browser runs (issue 15): the alarm when the server offered other code, the
# first-visit notice, and "About this build". Build ids ($build: four groups of four hex
# digits), key ids, versions and commits are shown as they are; $date is a date and time
# in the page's language.

## Alarm: on every screen once Conclave's code guard refused code the server offered.
integrity-alarm-tampered-file = This server offered code that is not a signed Conclave release.
# $reason is one of the integrity-refused-* phrases below.
integrity-alarm-refused-update = This server offered code that is not a signed Conclave release: { $reason }.
integrity-alarm-rollback = This server offered an older Conclave release than the one you run, which could bring back flaws fixed since. Conclave refused it.
integrity-alarm-guard-replaced = This server may have replaced Conclave's code guard.
integrity-alarm-guard-replaced-detail = The guard checks every file against the signed release: what this browser loads next may not be checked.
integrity-alarm-pin-erased = This browser's pinned copy of Conclave was erased while this page was open: by this server, or by clearing this site's data. The next visit trusts the server again, as a first visit does.
integrity-alarm-other = Conclave's code guard raised a warning that this version cannot name.
integrity-alarm-still-running = You are still running signed build { $build }, pinned on { $date }.
integrity-alarm-still-running-undated = You are still running signed build { $build }.
integrity-alarm-not-pinned = This page itself was not loaded from a pinned, signed copy of Conclave.
integrity-alarm-what-to-do = Tell your administrator, and do not clear this site's data.
integrity-alarm-when =
    { $count ->
        [one] Warned on { $date }.
       *[other] Warned { $count } times, last on { $date }. About this build lists every warning.
    }
integrity-refused-unsigned = too few of the keys this browser trusts signed it
integrity-refused-unknown-policy = it names signing keys this browser does not trust
integrity-refused-bad-file = a file differs from what was signed
integrity-refused-malformed = its signed description could not be read
integrity-refused-other = Conclave's code guard refused it

## Notices where a meeting is started or joined (home page, lobby).
integrity-first-visit = First visit in this browser: Conclave trusts this server once. Build { $build }: compare it with the published one in About this build.
integrity-first-visit-no-build = First visit in this browser: Conclave trusts this server once.
integrity-unpinned = This browser keeps no verified copy of Conclave for this server: this page runs the code the server sent, unchecked.
integrity-unsupported = This browser cannot keep a verified copy of Conclave (it has no service workers): this page runs the code the server sent, unchecked.

## About this build: a dialog from the home page, the lobby and the meeting.
about-build-open = About this build
about-build-title = About this build
about-build-not-known = Not known yet: Conclave's code guard has not answered.
about-build-mode-pinned = Pinned: this browser runs Conclave from its own verified copy, and takes only signed updates.
about-build-mode-first-visit = First visit: this browser trusts this server once, and keeps this build from now on.
about-build-mode-unpinned = Not pinned: this page runs the code the server sent, unchecked.
about-build-mode-unsupported = Not supported: this browser cannot keep a verified copy of Conclave (it has no service workers).
about-build-mode-unknown = Unknown: Conclave's code guard reported a state that this version cannot name.
about-build-test-build = This is a test build (test hooks on): never use it for real meetings.
about-build-id = Build id
about-build-version = Version
about-build-serial = Release serial
about-build-commit = Commit
about-build-signatures = Signatures
# $names: the ids of the keys that signed; $number of the policy's $total keys must sign.
about-build-signed =
    Signed by { $count ->
        [one] one key
       *[other] { $count } keys
    } of the { $total } in its signing policy ({ $number } required): { $names }
about-build-pinned-since = Pinned since
about-build-compare = Compare the build id with the one your organisation published.
about-build-update = A newer signed build { $build } will be used at the next load.
about-build-alarms = Warnings
about-build-no-alarms = None: this server has not offered this browser any other code.
about-build-alarm-undated = Date unknown
