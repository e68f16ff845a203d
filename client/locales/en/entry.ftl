# Before and after the meeting: the home page, the lobby, broken links, leaving, devices,
# and the encryption banner and status line.

## Home page: start a meeting or open an invite link.
home-lede = Video meetings that only the people in them can see and hear: every frame is encrypted in your browser, and the key never reaches a server.
home-new-meeting = New meeting
home-starting = Starting…
home-frame-encryption = Frame encryption
home-frame-suite-help = Everyone who joins uses this cipher; the invite link carries the choice.
home-who-can-join = Who can join
home-admission-chair = People the chair admits
home-admission-open = Anyone with the link
home-admission-help = You are the chair: with the first choice, you let each person in.
home-verified-identities = Verified identities
home-verified-only = Only members verified by an accepted organisation
home-accept-organisation = Accept members verified by { $organisation } (certificate { $pin })
home-verified-help = Everyone in the meeting sees who an accepted organisation vouches for. With "only verified members", every participant's browser refuses anyone else, and nobody can change this during the meeting.
home-organisations-same-name = Two of these organisations have the same name: compare their certificates with the ones the organisations published before accepting either.
home-create-failed = Could not start a meeting. { $reason }
home-no-secure-random = This browser offers no secure random numbers, so no key can be made for the meeting. Use a current browser.
room-error-network = The server could not be reached. Check your connection and try again.
room-error-too-many-rooms = The server is hosting as many meetings as it can. Try again later.
room-error-server-busy = The server is too busy to start a meeting. Try again in a moment.
room-error-creation-not-allowed = This server lets only invited organisers create meetings; open the link your organisation gave you.
room-error-rate-limited = This network asked for too many meetings in a short time. Wait a minute, then try again.
room-error-status = The server refused the request (HTTP status { $code }). Try again later.
room-error-bad-reply = The server's answer could not be read. Try again, or reload the page.
home-have-invite = Have an invite?
home-invite-link = Invite link
home-invite-link-placeholder = https://…/m/…#…
home-join = Join

## Invite link errors: why a pasted link does not open a meeting.
invite-error-empty = Paste the invite link you were sent.
invite-error-not-a-meeting-link = That is not a Conclave invite link. It should look like https://host/m/ROOM#KEY.
invite-error-malformed-room-id = The meeting id in that link is damaged. Ask for the link again.
invite-error-missing-key = This link has no meeting key (the part after #). Ask for the full link.
invite-error-malformed-key = The meeting key in that link is damaged or incomplete. Ask for the link again.
invite-error-unknown-frame-suite = That link asks for an encryption policy this app does not know. Ask for the link again.
invite-error-malformed-trust = The organisations this link's meeting accepts are damaged. Ask for the link again.

## Lobby: name, preview and switches before joining.
lobby-title = Ready to join?
lobby-camera-preview = Camera preview
lobby-starting-media = Starting camera and microphone…
lobby-no-media = No camera or microphone
lobby-camera-off = Camera off
lobby-your-name = Your name
lobby-join-meeting = Join meeting
lobby-frame-suite = Frame encryption: { $suite }
lobby-e2ee-note = End-to-end encrypted. The invite secret is the part of the link after #: your browser never sends it to the server, and only people who have it can be let in.
lobby-media-failed = { $detail } You can still join: you will see and hear the others, but they will not see or hear you.

## Broken invite and unknown pages.
broken-invite-title = Cannot open this meeting
broken-invite-missing-key = This link has no meeting key: the part after # is missing. Ask the person who invited you for the complete link.
broken-invite-malformed-key = This link has no meeting key that works: the part after # is damaged or incomplete. Ask the person who invited you for the complete link.
broken-invite-damaged = This meeting link is damaged. Ask the person who invited you for the link again.
broken-invite-never-without-key = Conclave never joins a meeting without its key: the key is what keeps the meeting private.
broken-invite-go-home = Go to the home page
not-found-title = Page not found
not-found-detail = There is nothing at this address.

## Left page: after leaving the meeting.
left-title = You left the meeting
left-detail = Your camera and microphone are off. The meeting goes on for the others.
left-rejoin = Rejoin
left-home = Home

## Device settings: camera, microphone and speaker pickers.
device-settings-legend = Camera, microphone and speaker
device-settings-camera = Camera
device-settings-microphone = Microphone
device-settings-speaker = Speaker
device-settings-none-found = None found
# A device the browser gives no name: its kind and its place in the list ("Camera 2").
device-settings-unnamed = { $device } { $count }
device-settings-microphone-level = Microphone level
device-settings-test-sound = Play test sound
device-settings-test-sound-failed = The test sound could not be played.

## End-to-end encryption banner ($detail is the browser API's own name).
e2ee-banner-title = End-to-end encrypted
e2ee-banner-ready = Every frame is encrypted in this browser (SFrame, { $detail }) before it is sent.
e2ee-banner-starting = Starting encryption ({ $detail })…
e2ee-banner-checking = Checking this browser's encryption support…

## Encryption status line: where this browser stands in the meeting's MLS group.
encryption-status-label = Encryption status
encryption-status-joining = Joining the encrypted meeting…
encryption-status-waiting-for-chair = Waiting for the chair to let you in
encryption-status-waiting-to-be-added = Waiting to be added by a member…
encryption-status-link-may-be-wrong = If this lasts, your invite link may be wrong.
encryption-status-resyncing = Re-syncing keys…
encryption-status-member = Keys agreed: only the people listed under Participants can see and hear this meeting.
