## Chat panel: the meeting's end-to-end encrypted chat.
chat-title = Discussion
chat-close = Fermer la discussion
chat-encrypted-note = Chiffrée de bout en bout. Conservée uniquement pendant la durée de cette réunion.
chat-message-label = Message à tout le monde
chat-send = Envoyer
chat-you = Vous
chat-undecryptable =
    { $count ->
        [one] Un message n’a pas pu être déchiffré (modifié, rejoué ou trop ancien).
       *[other] { $count } messages n’ont pas pu être déchiffrés (modifiés, rejoués ou trop anciens).
    }
chat-refusal-empty = Saisissez d’abord un message.
chat-refusal-too-long = Un message comporte au plus { $count } caractères.
chat-refusal-too-fast = Vous envoyez des messages trop rapidement : patientez quelques secondes.
chat-refusal-not-in-meeting = Non envoyé : vous n’êtes pas encore dans la réunion chiffrée.
chat-refusal-cannot-encrypt = Non envoyé : le message n’a pas pu être chiffré.

## Roster panel: the encrypted meeting's members, and who else is in the room.
roster-title = Participants
roster-not-in-meeting-yet = Vous n’êtes pas encore dans la réunion chiffrée.
roster-you = { $name } (vous)
roster-chair = présidence
roster-muted = micro coupé
roster-seen-before = déjà vu
roster-verified = Vérifié par { $organisation } : { $name }, { $role }
roster-verified-no-role = Vérifié par { $organisation } : { $name }
roster-not-verified = Non vérifié (nom saisi par la personne)
roster-verification-refused = Non vérifié : { $reason }
roster-was-verified = Attention : cette clé a déjà été vérifiée par { $organisation } (dans cette réunion ou une précédente), et ne l’est plus.
verification-reason-unpinned = organisation non acceptée dans cette réunion
verification-reason-expired = certificat expiré
verification-reason-not-yet-valid = certificat pas encore valide
verification-reason-revoked = certificat révoqué
verification-reason-revocation-list = la liste de révocation de l’organisation manque ou n’est plus à jour
verification-reason-invalid = certificat invalide
meeting-trust-verified-only = Membres vérifiés uniquement.
meeting-trust-accepts = Accepte les membres vérifiés par : { $organisations }
meeting-trust-accepts-none = N’accepte aucune organisation que ce serveur liste actuellement.
roster-key-not-remembered = Votre clé n’est pas mémorisée dans ce navigateur
roster-outsiders-label = Hors de la réunion chiffrée
roster-outsiders-title = Également dans la salle
roster-outsider = Connexion non identifiée ({ $detail }) - hors de la réunion chiffrée - ne peut ni vous voir ni vous entendre
roster-outsider-knocking = { $name } (demande à rejoindre, { $detail }) - hors de la réunion chiffrée - ne peut ni vous voir ni vous entendre
roster-for-seconds = depuis { $count } s
roster-for-minutes = depuis { $count } min
roster-for-hours = depuis { $count } h

## Knock prompt: people asking a chair to be let in.
knock-title = Demandes d’accès
knock-asks-to-join = { $name } demande à rejoindre la réunion
knock-people-ask-to-join =
    { $count ->
        [one] { $count } personne demande à rejoindre la réunion
       *[other] { $count } personnes demandent à rejoindre la réunion
    }
knock-waiting =
    { $count ->
        [one] { $count } personne attend que vous l’admettiez.
       *[other] { $count } personnes attendent que vous les admettiez.
    }
knock-locked = La réunion est verrouillée : déverrouillez-la pour admettre quelqu’un.
knock-key = clé
knock-admit = Admettre
knock-deny = Refuser
# Screen readers only, after Admit or Deny: whom the button answers.
knock-who = {"\u00A0"}: { $name }
knock-admit-all = Tout admettre

## Chair controls: lock, new link, end for all; and the alert when a chair action failed.
chair-controls-title = Commandes de la présidence
chair-locked = Verrouillée : aucune nouvelle personne ne peut rejoindre la réunion.
chair-open = Ouverte aux personnes que vous admettez.
chair-unlock = Déverrouiller
chair-lock = Verrouiller
chair-new-link = Nouveau lien
chair-end-for-all = Terminer pour tous
chair-end-question = Mettre fin à la réunion pour tout le monde ? Chaque page la quitte et supprime ses clés.
chair-end-confirm = Oui, terminer pour tous
chair-end-cancel = Annuler
chair-new-link-help = Avec un nouveau lien, l’ancien ne permet plus à personne de nouveau d’entrer.
chair-action-failed = Cette modification n’a pas abouti
# Follows chair-action-failed directly (which is in bold).
chair-action-failed-detail = . Réessayez ; si l’échec persiste, le serveur la rejette peut-être.
chair-action-dismiss = Fermer

## Member actions: a chair's buttons for another member in the roster.
member-actions-make-chair = Nommer à la coprésidence
member-actions-remove-chair = Retirer de la coprésidence
# Screen readers only, after Make co-chair or Remove co-chair.
member-actions-chair-who = {"\u00A0"}: { $name }
member-actions-remove = Retirer
# Screen readers only, after Remove.
member-actions-who = {"\u00A0"}: { $name }

## Closed page: why the meeting is over for this browser.
closed-removed = La présidence vous a retiré de la réunion
closed-denied = La présidence n’a pas accepté votre demande
closed-locked-out = Cette réunion est verrouillée
closed-link-replaced = Ce lien d’invitation a été remplacé
closed-not-verified = Cette réunion n’admet que des membres vérifiés
closed-ended = La présidence a mis fin à la réunion
closed-server-removed = Le serveur vous a déconnecté
closed-server-ended = Le serveur a fermé la réunion
closed-keys-dropped = Votre navigateur a supprimé les clés de la réunion : il ne peut plus ni la voir ni l’entendre.
closed-not-added = Vous n’avez pas été ajouté : vous n’avez jamais détenu les clés de la réunion.
closed-link-replaced-detail = La présidence a créé un nouveau lien pour cette réunion, et celui-ci ne permet plus à personne d’entrer. Demandez le nouveau lien à une personne présente dans la réunion.
closed-not-verified-detail = Seules les personnes vérifiées par une organisation acceptée par cette réunion peuvent entrer, et ce navigateur ne détient pas de tel certificat (ou il a expiré ou été révoqué). Demandez à votre organisation d’enregistrer ce navigateur, puis rouvrez le lien.
closed-server-removed-detail = Il a indiqué que la présidence vous avait retiré, mais le groupe chiffré de la réunion ne l’a pas montré. Votre navigateur a supprimé les clés de la réunion.
closed-server-ended-detail = Le groupe chiffré de la réunion n’a pas montré que la présidence y avait mis fin. Votre navigateur a supprimé les clés de la réunion.
closed-home = Accueil
