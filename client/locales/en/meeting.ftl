## Meeting page: alerts about the connection and encryption, the video grid.
meeting-fatal = Encryption is not available, so this meeting was not joined.
meeting-fatal-detail = { $detail }. No audio or video was sent.
meeting-disconnected = Disconnected from the meeting server
meeting-disconnected-reason = : { $reason }
meeting-reconnecting = Reconnecting…
meeting-reconnecting-detail = { $reason } Trying again (attempt { $number }); you will be added back to the encrypted meeting.
meeting-media-reconnecting = Reconnecting to the media server…
meeting-media-reconnecting-detail = Audio and video resume by themselves; encryption stays on.
meeting-unproven = This meeting could not prove it is the one in your link, so nothing is being sent.
meeting-unproven-detail = Check the link with whoever sent it.
meeting-video = Video
meeting-alone = Nobody else is here yet. Use “Copy invite link” to invite people.
meeting-settings = Settings

## Announcements: what the meeting's live region tells screen reader users.
announcement-joined = { $names } joined the encrypted meeting
announcement-left = { $names } left the meeting
announcement-hand-raised = { $name } raised their hand

## Tiles: one's own preview and each remote member's video.
tile-you = You
tile-no-media = No camera or microphone
tile-camera-off = Camera off
tile-muted = Muted
tile-hand-raised = ✋ Hand raised
tile-reconnecting = Reconnecting…
tile-pin = Pin
tile-unpin = Unpin
tile-pin-label = Pin { $name }
tile-full-screen = Full screen
tile-full-screen-label = Full screen { $name }
tile-status-waiting-for-key = Waiting for key
tile-status-decrypting = Decrypting
tile-status-cannot-decrypt = Cannot decrypt
tile-reaction-thumbs-up = Thumbs up
tile-reaction-applause = Applause
tile-reaction-laughter = Laughter
tile-reaction-surprise = Surprise
tile-reaction-heart = Heart

## Media toggles: the microphone and camera switches.
media-toggles-mute-microphone = Mute microphone
media-toggles-unmute-microphone = Unmute microphone
media-toggles-camera-off = Turn camera off
media-toggles-camera-on = Turn camera on

## Device notices and meeting problems (notices.rs)
device-notice-microphone-lost = Your microphone was disconnected
device-notice-camera-lost = Your camera was disconnected
device-notice-replaced = { $device }: another one is used now.
device-notice-none-left = { $device }, and no other could be started ({ $error }).
device-notice-not-started = That device could not be started ({ $error }).
meeting-problem-server-unreadable = A message from the server could not be read. If the meeting stops working, reload the page.
meeting-problem-not-sent = A message could not be sent to the server. If the meeting stops working, check your connection and reload the page.
meeting-problem-screen-share-not-allowed = Screen sharing did not start: it was cancelled, or the browser does not allow it on this page.
meeting-problem-screen-share-not-captured = Your screen could not be captured. Try again, or choose another screen or window.
meeting-problem-screen-share-unsupported = This browser cannot share your screen on this page.
meeting-problem-screen-share-failed = Screen sharing did not start. Try again.
meeting-problem-peer-refused = Not connecting to { $name }: their connection details could not be confirmed as theirs. Someone between you may be tampering with the connection.
meeting-problem-peer-refused-unnamed = Not connecting to a participant: their connection details could not be confirmed as theirs. Someone between you may be tampering with the connection.
meeting-problem-peer-connection = The connection to another participant failed, so you may not see or hear them. Reloading the page may help.
meeting-problem-received-media = Audio or video from another participant could not be decrypted or played, so it is not shown.
meeting-problem-senders-not-updated = Encryption could not be told who is in the meeting now, so some audio or video may not be shown. Reloading the page may help.

## What the server refused, by its error code (notices.rs)
server-error-malformed-message = The server could not read a message from this page. If the meeting stops working, reload the page.
server-error-not-joined = The server got a message from this page before it had joined. If the meeting stops working, reload the page.
server-error-already-joined = This page asked the server to join twice. If the meeting stops working, reload the page.
server-error-unknown-participant = A message could not be delivered: that person is no longer connected to the meeting.
server-error-room-full = The meeting is full.
server-error-unknown-room = This meeting does not exist on the server.
server-error-message-too-big = A message was too large for the server, so it was not delivered.
server-error-group-exists = Someone else started the meeting's encryption at the same moment. If you are not let in shortly, reload the page.
server-error-no-group = The meeting's encryption has not started on the server yet. If you are not let in shortly, reload the page.
server-error-rate-limited = This page sent too many messages in a short time. Wait a moment, then try again.
server-error-invalid-join-challenge = The server refused this page's check for people joining with the link; nothing changed. If others cannot get in, reload the page.
server-error-sfu-unavailable = The media server cannot be reached. The server keeps trying; audio and video start once it answers.
server-error-not-a-member = Only people already in the encrypted meeting can do that; nothing changed.
server-error-not-knocking = That person is already in the meeting; nothing changed.
server-error-unknown = The server refused a request from this page. If the meeting stops working, reload the page.

## Why the connection to the server closed (notices.rs)
close-unknown-room = This meeting does not exist on the server.
close-room-full = The meeting is full.
close-mesh-full = The meeting is full: meetings without a media server hold at most { $count } people.
close-not-understood = The server did not understand this client.
close-too-slow = The connection was too slow.
close-too-large = A message was too large.
close-other-version = This page is from another version of Conclave: reload it to join.
close-stalled = The connection to the meeting server stalled.
close-lost = The connection was lost.
close-code = The server closed the connection (code { $code }).

## Why the camera and microphone could not be started (services/media.rs)
media-unsupported = this browser does not offer camera access on this page (it needs HTTPS or localhost)
media-blocked = Camera and microphone access was blocked. Allow it in the browser's site settings, or join without them.
media-not-found = No camera or microphone was found.
media-in-use = The camera or microphone is in use by another program.
media-failed = The camera and microphone could not be started.

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = this browser cannot encrypt media end to end (it has neither RTCRtpScriptTransform nor createEncodedStreams); use a current Chromium, Chrome, Edge, Firefox or Safari
encryption-failure-worker-slow = the encryption worker did not start in time; reload the page to try again
encryption-failure-worker-not-started = the encryption worker could not be started; reload the page to try again
encryption-failure-worker-stopped = the encryption worker stopped, so that nothing is sent unencrypted; reload the page to try again
encryption-failure-key-not-handed-over = a new meeting key could not be handed to the encryption worker; reload the page to try again
encryption-failure-no-identity = no signature key could be made for this browser; reload the page to try again
