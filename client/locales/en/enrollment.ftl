# The enrollment page (/enroll, an organisation's link /enroll#org=…): a person asks their
# organisation to vouch for this browser's key, then imports the certificate it issued.

## The page and this browser's key ($fingerprint: four groups of four hex digits).
enroll-title = Enroll with your organisation
enroll-lede = Your organisation can vouch for the key this browser uses in meetings: the others then see your name as your organisation wrote it, marked as verified. The key never leaves this browser; you send only a request that names it.
enroll-link-organisation = This enrollment link is from the organisation whose certificate fingerprint begins { $fingerprint }. Your administrator can confirm it.
enroll-loading = Loading this browser's key…
enroll-your-key = This browser's key: { $fingerprint }
enroll-key-not-kept = This browser cannot keep a key (private browsing, or site storage turned off), so it cannot be enrolled. Open this page in a normal window.
enroll-key-blocked = Another Conclave tab from before an update holds this browser's storage. Close the other Conclave tabs, then reload this page.

## The certificate kept in this browser ($organisation, $name, $role come from the certificate).
enroll-certificate-heading = Your certificate
enroll-verified = Verified by { $organisation }: { $name }, { $role }
enroll-verified-no-role = Verified by { $organisation }: { $name }
enroll-valid-until = Valid until { $date }
enroll-remove = Remove certificate
enroll-removed = The certificate was removed from this browser. Meetings show you as not verified until you import one again.
enroll-remove-failed = The certificate could not be removed. Reload the page and try again.
enroll-stored-invalid = The certificate kept in this browser is not used: { $reason }

## Step 1: the request.
enroll-request-heading = 1. Make an enrollment request
enroll-name = Your name
enroll-name-hint = As your organisation knows you. Your administrator decides the name on the certificate.
enroll-name-empty = Type your name first.
enroll-make-request = Make enrollment request
enroll-request-failed = The enrollment request could not be made.
enroll-request-label = Enrollment request
enroll-send-request = Send this request to your organisation's administrator, by e-mail or as the downloaded file. It holds no secret; they will send you back a certificate.
enroll-copy = Copy
enroll-copied = Copied.
enroll-copy-failed = The browser did not allow copying. Select the text and copy it yourself.
enroll-download = Download
enroll-download-failed = The request could not be downloaded. Copy it instead.

## Step 2: the certificate the administrator sends back.
enroll-import-heading = 2. Import your certificate
enroll-import-label = Certificate from your administrator
enroll-import-hint = Paste the text your administrator sent (it begins with -----BEGIN CERTIFICATE-----), or choose the file.
enroll-import-file = Certificate file
enroll-import-button = Import certificate
enroll-file-unreadable = That file could not be read. Choose the file your administrator sent, or paste its text.
enroll-store-failed = The certificate is valid, but this browser could not keep it. Try again.
enroll-import-empty = Paste the certificate your administrator sent, or choose its file.

## Why a certificate is not imported, one sentence per reason.
enroll-refusal-other-organisation = This certificate is not from the organisation of your enrollment link.
enroll-refusal-malformed = This is not a certificate Conclave can read: it must be two certificates, yours first, then your organisation's.
enroll-refusal-unsupported-algorithm = This certificate uses a kind of key or signature Conclave does not accept (only Ed25519). Ask your administrator to issue it with Conclave's tool.
enroll-refusal-unpinned-authority = This certificate's organisation is not one accepted here.
enroll-refusal-not-an-authority = The second certificate is not an organisation's certificate authority.
enroll-refusal-name-mismatch = Your certificate does not name the organisation of the certificate authority that signed it.
enroll-refusal-bad-signature = The certificate's signature does not verify: it was changed, or not signed by the organisation it names.
enroll-refusal-not-yet-valid = This certificate is not valid yet. Check this computer's date and time, or ask your administrator.
enroll-refusal-expired = This certificate has expired. Ask your administrator for a new one.
enroll-refusal-revoked = Your organisation has revoked this certificate.
enroll-refusal-revocation-list-missing = Your organisation has published no revocation list, so its certificates are not accepted.
enroll-refusal-revocation-list-out-of-date = Your organisation's revocation list is out of date, so its certificates are not accepted for now.
enroll-refusal-key-mismatch = This certificate is for another key, not this browser's. Import it in the browser that made the request.
enroll-refusal-missing-name = This certificate names no person or no organisation.
enroll-refusal-other = This certificate cannot be used.

## A damaged enrollment link.
enroll-broken-link-title = Cannot open this enrollment link
enroll-broken-link = This enrollment link is damaged: after # it should say org= and 64 letters and digits. Ask your organisation for the link again.

## On the home page.
home-enroll-link = Enroll with your organisation
