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
meeting-problem-server-said = The server said: { $detail }
meeting-problem-screen-share = Screen sharing did not start: { $error }
meeting-problem-peer-refused = Not connecting to { $name }: { $detail }. Someone between you may be tampering with the connection.
meeting-problem-failed = { $detail }

## Why the connection to the server closed (notices.rs)
close-unknown-room = This meeting does not exist on the server.
close-room-full = The meeting is full.
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
media-failed = The camera and microphone could not be started ({ $detail }).

## Why encryption is unavailable (notices.rs)
encryption-failure-unsupported = this browser cannot encrypt media end to end (it has neither RTCRtpScriptTransform nor createEncodedStreams); use a current Chromium, Chrome, Edge, Firefox or Safari
encryption-failure-worker-slow = the encryption worker did not start in time; reload the page to try again
encryption-failure-no-identity = no signature key could be made for this browser ({ $detail })
