## Chat panel: the meeting's end-to-end encrypted chat.
chat-title = Chat
chat-close = Close chat
chat-encrypted-note = End-to-end encrypted. Kept only while this meeting lasts.
chat-message-label = Message to everyone
chat-send = Send
chat-you = You
chat-undecryptable =
    { $count ->
        [one] A message could not be decrypted (altered, replayed or too old).
       *[other] { $count } messages could not be decrypted (altered, replayed or too old).
    }
chat-refusal-empty = Type a message first.
chat-refusal-too-long = A message has at most { $count } characters.
chat-refusal-too-fast = You are sending messages quickly: wait a few seconds.
chat-refusal-not-in-meeting = Not sent: you are not in the encrypted meeting yet.
chat-refusal-cannot-encrypt = Not sent: the message could not be encrypted.

## Roster panel: the encrypted meeting's members, and who else is in the room.
roster-title = Participants
roster-not-in-meeting-yet = You are not in the encrypted meeting yet.
roster-you = { $name } (you)
roster-chair = chair
roster-muted = muted
roster-seen-before = seen before
roster-verified = Verified by { $organisation }: { $name }, { $role }
roster-verified-no-role = Verified by { $organisation }: { $name }
roster-not-verified = Not verified (name typed by the person)
roster-verification-refused = Not verified: { $reason }
roster-was-verified = Warning: this key was verified by { $organisation } before (in this meeting or an earlier one), and is not verified now.
verification-reason-unpinned = organisation not accepted in this meeting
verification-reason-expired = certificate expired
verification-reason-not-yet-valid = certificate not valid yet
verification-reason-revoked = certificate revoked
verification-reason-revocation-list = the organisation's revocation list is missing or out of date
verification-reason-invalid = certificate invalid
meeting-trust-verified-only = Verified members only.
meeting-trust-accepts = Accepts members verified by: { $organisations }
meeting-trust-accepts-none = Accepts no organisation this server lists now.
roster-key-not-remembered = Your key is not remembered on this browser
roster-outsiders-label = Not in the encrypted meeting
roster-outsiders-title = Also in the room
roster-outsider = Unidentified connection ({ $detail }) - not in the encrypted meeting - cannot see or hear you
roster-outsider-knocking = { $name } (asking to join, { $detail }) - not in the encrypted meeting - cannot see or hear you
roster-for-seconds = for { $count } s
roster-for-minutes = for { $count } min
roster-for-hours = for { $count } h

## Knock prompt: people asking a chair to be let in.
knock-title = Asking to join
knock-asks-to-join = { $name } asks to join
knock-people-ask-to-join =
    { $count ->
        [one] { $count } person asks to join
       *[other] { $count } people ask to join
    }
knock-waiting =
    { $count ->
        [one] { $count } person is waiting for you to let them in.
       *[other] { $count } people are waiting for you to let them in.
    }
knock-locked = The meeting is locked: unlock it to admit anyone.
knock-key = key
knock-admit = Admit
knock-deny = Deny
# Screen readers only, after Admit or Deny: whom the button answers.
knock-who = {" "}{ $name }
knock-admit-all = Admit all

## Chair controls: lock, new link, end for all; and the alert when a chair action failed.
chair-controls-title = Chair controls
chair-locked = Locked: nobody new can join.
chair-open = Open to people you admit.
chair-unlock = Unlock
chair-lock = Lock
chair-new-link = New link
chair-end-for-all = End for all
chair-end-question = End the meeting for everyone? Every page leaves it and drops its keys.
chair-end-confirm = Yes, end for all
chair-end-cancel = Cancel
chair-new-link-help = A new link stops the old one from letting anyone new in.
chair-action-failed = That change did not go through
# Follows chair-action-failed directly (which is in bold).
chair-action-failed-detail = . Try again; if it keeps failing, the server may be dropping it.
chair-action-dismiss = Dismiss

## Member actions: a chair's buttons for another member in the roster.
member-actions-make-chair = Make co-chair
member-actions-remove-chair = Remove co-chair
# Screen readers only, after Make co-chair or Remove co-chair.
member-actions-chair-who = {" "}for { $name }
member-actions-remove = Remove
# Screen readers only, after Remove.
member-actions-who = {" "}{ $name }

## Closed page: why the meeting is over for this browser.
closed-removed = A chair removed you from the meeting
closed-denied = The chair did not let you in
closed-locked-out = This meeting is locked
closed-link-replaced = This invite link was replaced
closed-not-verified = This meeting admits verified members only
closed-ended = The chair ended the meeting
closed-server-removed = The server disconnected you
closed-server-ended = The server closed the meeting
closed-keys-dropped = Your browser dropped the meeting's keys: it can no longer see or hear the meeting.
closed-not-added = You were not added: you never held the meeting's keys.
closed-link-replaced-detail = A chair made a new link for this meeting, and this one no longer lets anyone in. Ask someone in the meeting for the new link.
closed-not-verified-detail = Only people an organisation this meeting accepts has verified can join, and this browser holds no such certificate (or it has expired or been revoked). Ask your organisation to enroll this browser, then open the link again.
closed-server-removed-detail = It said a chair removed you, but the meeting's encrypted group did not show it. Your browser dropped the meeting's keys.
closed-server-ended-detail = The meeting's encrypted group did not show a chair ending it. Your browser dropped the meeting's keys.
closed-home = Home
