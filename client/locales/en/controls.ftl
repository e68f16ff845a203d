## Controls: the meeting's control bar.
controls-nav = Meeting controls
controls-raise-hand = Raise hand
controls-lower-hand = Lower hand
controls-react = React
controls-reactions = Reactions
controls-send-thumbs-up = Send Thumbs up
controls-send-applause = Send Applause
controls-send-laughter = Send Laughter
controls-send-surprise = Send Surprise
controls-send-heart = Send Heart
controls-chat = Chat
controls-chat-unread = Chat, { $count } unread
controls-speaker-view = Speaker view
controls-share-screen = Share screen
controls-stop-sharing = Stop sharing
controls-copy-invite-link = Copy invite link
controls-settings = Settings
controls-shortcuts = Keyboard shortcuts
controls-leave = Leave
controls-link-copied = Link copied
controls-copy-failed = Could not copy. Copy the address from the address bar instead.
controls-link-renewed = New invite link: the old one no longer lets anyone in

## Security code panel: the code to read aloud, and the frame cipher.
security-code-title = Security code
security-code-read-aloud = Read these numbers aloud: if everyone sees the same, nobody is in the middle.
security-code-changed = The security code changed: someone joined or left
security-code-checked = Checked aloud
security-code-mark-checked = Mark as checked
security-code-frames-sealed = Frames sealed with { $suite }
security-code-suite-detail = SFrame cipher suite { $suite } ({ $code })
security-code-suite-aes-128-ctr-hmac-80 = AES-128-CTR + HMAC, 80-bit tag
security-code-suite-aes-128-ctr-hmac-64 = AES-128-CTR + HMAC, 64-bit tag
security-code-suite-aes-128-ctr-hmac-32 = AES-128-CTR + HMAC, 32-bit tag
security-code-suite-aes-128-gcm = AES-128-GCM (standard)
security-code-suite-aes-256-gcm = AES-256-GCM (high assurance)

## Shortcuts help: the keyboard shortcuts dialog.
shortcuts-title = Keyboard shortcuts
shortcuts-key = Key
shortcuts-action = Action
shortcuts-ignored-in-fields = Shortcuts do nothing while you type in a field.
shortcuts-microphone = Mute or unmute the microphone
shortcuts-camera = Turn the camera off or on
shortcuts-hand = Raise or lower your hand
shortcuts-chat = Open or close the chat
shortcuts-help = Show these shortcuts
shortcuts-leave = Leave the meeting

## Modal dialog
modal-dialog-close = Close
