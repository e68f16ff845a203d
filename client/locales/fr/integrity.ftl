# The code this browser runs (issue 15): the alarm when the server offered other code, the
# first-visit notice, and "About this build". Build ids ($build: four groups of four hex
# digits), key ids, versions and commits are shown as they are; $date is a date and time
# in the page's language.

## Alarm: on every screen once Conclave's code guard refused code the server offered.
integrity-alarm-tampered-file = Ce serveur a proposé du code qui n’est pas une version signée de Conclave.
# $reason is one of the integrity-refused-* phrases below.
integrity-alarm-refused-update = Ce serveur a proposé du code qui n’est pas une version signée de Conclave : { $reason }.
integrity-alarm-rollback = Ce serveur a proposé une version de Conclave plus ancienne que celle que vous utilisez, qui pourrait réintroduire des failles corrigées depuis. Conclave l’a refusée.
integrity-alarm-guard-replaced = Ce serveur a peut-être remplacé le gardien du code de Conclave.
integrity-alarm-guard-replaced-detail = Le gardien vérifie chaque fichier par rapport à la version signée : ce que ce navigateur chargera ensuite pourrait ne pas être vérifié.
integrity-alarm-pin-erased = La copie de Conclave conservée par ce navigateur a été effacée pendant que cette page était ouverte : par ce serveur, ou en effaçant les données de ce site. La prochaine visite fera de nouveau confiance au serveur, comme une première visite.
integrity-alarm-other = Le gardien du code de Conclave a émis un avertissement que cette version ne sait pas nommer.
integrity-alarm-still-running = Vous utilisez toujours le build signé { $build }, conservé par ce navigateur depuis le { $date }.
integrity-alarm-still-running-undated = Vous utilisez toujours le build signé { $build }.
integrity-alarm-not-pinned = Cette page elle-même n’a pas été chargée depuis une copie signée et conservée de Conclave.
integrity-alarm-what-to-do = Prévenez votre administrateur ou administratrice, et n’effacez pas les données de ce site.
integrity-alarm-when =
    { $count ->
        [one] Avertissement du { $date }.
       *[other] { $count } avertissements, le dernier le { $date }. « À propos de ce build » les liste tous.
    }
integrity-refused-unsigned = trop peu des clés auxquelles ce navigateur fait confiance l’ont signé
integrity-refused-unknown-policy = il désigne des clés de signature auxquelles ce navigateur ne fait pas confiance
integrity-refused-bad-file = un fichier diffère de ce qui a été signé
integrity-refused-malformed = sa description signée n’a pas pu être lue
integrity-refused-other = le gardien du code de Conclave l’a refusé

## Notices where a meeting is started or joined (home page, lobby).
integrity-first-visit = Première visite dans ce navigateur : Conclave fait confiance à ce serveur une fois. Build { $build } : comparez-le avec celui qui a été publié, dans « À propos de ce build ».
integrity-first-visit-no-build = Première visite dans ce navigateur : Conclave fait confiance à ce serveur une fois.
integrity-unpinned = Ce navigateur ne conserve aucune copie vérifiée de Conclave pour ce serveur : cette page exécute le code envoyé par le serveur, sans vérification.
integrity-unsupported = Ce navigateur ne peut pas conserver de copie vérifiée de Conclave (il n’a pas de service workers) : cette page exécute le code envoyé par le serveur, sans vérification.

## About this build: a dialog from the home page, the lobby and the meeting.
about-build-open = À propos de ce build
about-build-title = À propos de ce build
about-build-not-known = Pas encore connu : le gardien du code de Conclave n’a pas encore répondu.
about-build-mode-pinned = Conservé : ce navigateur exécute Conclave depuis sa propre copie vérifiée, et n’accepte que des mises à jour signées.
about-build-mode-first-visit = Première visite : ce navigateur fait confiance à ce serveur une fois, et conserve ce build désormais.
about-build-mode-unpinned = Non conservé : cette page exécute le code envoyé par le serveur, sans vérification.
about-build-mode-unsupported = Non pris en charge : ce navigateur ne peut pas conserver de copie vérifiée de Conclave (il n’a pas de service workers).
about-build-mode-unknown = Inconnu : le gardien du code de Conclave signale un état que cette version ne sait pas nommer.
about-build-test-build = Ceci est un build de test (crochets de test actifs) : ne l’utilisez jamais pour de vraies réunions.
about-build-id = Identifiant du build
about-build-version = Version
about-build-serial = Numéro de série de la version
about-build-commit = Commit
about-build-signatures = Signatures
# $names: the ids of the keys that signed; $number of the policy's $total keys must sign.
about-build-signed =
    Signé par { $count ->
        [one] une
       *[other] { $count }
    } des { $total } clés de sa politique de signature ({ $number } { $number ->
        [one] requise
       *[other] requises
    }) : { $names }
about-build-pinned-since = Conservé depuis
about-build-compare = Comparez l’identifiant du build avec celui que votre organisation a publié.
about-build-update = Un build signé plus récent, { $build }, sera utilisé au prochain chargement.
about-build-alarms = Avertissements
about-build-no-alarms = Aucun : ce serveur n’a proposé aucun autre code à ce navigateur.
about-build-alarm-undated = Date inconnue
