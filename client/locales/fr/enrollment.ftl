# La page d’enrôlement (/enroll, le lien d’une organisation /enroll#org=…) : une personne
# demande à son organisation de se porter garante de la clé de ce navigateur, puis importe le
# certificat délivré.

## La page et la clé de ce navigateur ($fingerprint : quatre groupes de quatre chiffres hexadécimaux).
enroll-title = S’enrôler auprès de votre organisation
enroll-lede = Votre organisation peut se porter garante de la clé que ce navigateur utilise en réunion : les autres voient alors votre nom tel que votre organisation l’a écrit, marqué comme vérifié. La clé ne quitte jamais ce navigateur ; vous n’envoyez qu’une demande qui la désigne.
enroll-link-organisation = Ce lien d’enrôlement provient de l’organisation dont l’empreinte du certificat commence par { $fingerprint }. Votre administration peut le confirmer.
enroll-loading = Chargement de la clé de ce navigateur…
enroll-your-key = Clé de ce navigateur : { $fingerprint }
enroll-key-not-kept = Ce navigateur ne peut pas conserver de clé (navigation privée, ou stockage des sites désactivé) et ne peut donc pas être enrôlé. Ouvrez cette page dans une fenêtre normale.
enroll-key-blocked = Un autre onglet Conclave antérieur à une mise à jour occupe le stockage de ce navigateur. Fermez les autres onglets Conclave, puis rechargez cette page.

## Le certificat conservé dans ce navigateur ($organisation, $name, $role viennent du certificat).
enroll-certificate-heading = Votre certificat
enroll-verified = Vérifié par { $organisation } : { $name }, { $role }
enroll-verified-no-role = Vérifié par { $organisation } : { $name }
enroll-valid-until = Valable jusqu’au { $date }
enroll-remove = Supprimer le certificat
enroll-removed = Le certificat a été supprimé de ce navigateur. Les réunions vous montrent comme non vérifié jusqu’à ce que vous en importiez un nouveau.
enroll-remove-failed = Le certificat n’a pas pu être supprimé. Rechargez la page et réessayez.
enroll-stored-invalid = Le certificat conservé dans ce navigateur n’est pas utilisé : { $reason }

## Étape 1 : la demande.
enroll-request-heading = 1. Créer une demande d’enrôlement
enroll-name = Votre nom
enroll-name-hint = Tel que votre organisation vous connaît. Votre administration décide du nom inscrit sur le certificat.
enroll-name-empty = Saisissez d’abord votre nom.
enroll-make-request = Créer la demande d’enrôlement
enroll-request-failed = La demande d’enrôlement n’a pas pu être créée.
enroll-request-label = Demande d’enrôlement
enroll-send-request = Envoyez cette demande à l’administration de votre organisation, par courriel ou sous forme du fichier téléchargé. Elle ne contient aucun secret ; vous recevrez un certificat en retour.
enroll-copy = Copier
enroll-copied = Copié.
enroll-copy-failed = Le navigateur n’a pas autorisé la copie. Sélectionnez le texte et copiez-le vous-même.
enroll-download = Télécharger
enroll-download-failed = La demande n’a pas pu être téléchargée. Copiez-la plutôt.

## Étape 2 : le certificat que l’administration renvoie.
enroll-import-heading = 2. Importer votre certificat
enroll-import-label = Certificat reçu de votre administration
enroll-import-hint = Collez le texte que votre administration a envoyé (il commence par -----BEGIN CERTIFICATE-----), ou choisissez le fichier.
enroll-import-file = Fichier du certificat
enroll-import-button = Importer le certificat
enroll-file-unreadable = Ce fichier n’a pas pu être lu. Choisissez le fichier que votre administration a envoyé, ou collez son texte.
enroll-store-failed = Le certificat est valide, mais ce navigateur n’a pas pu le conserver. Réessayez.
enroll-import-empty = Collez le certificat que votre administration a envoyé, ou choisissez son fichier.

## Pourquoi un certificat n’est pas importé, une phrase par raison.
enroll-refusal-other-organisation = Ce certificat ne provient pas de l’organisation de votre lien d’enrôlement.
enroll-refusal-malformed = Ce n’est pas un certificat que Conclave sait lire : il faut deux certificats, le vôtre d’abord, puis celui de votre organisation.
enroll-refusal-unsupported-algorithm = Ce certificat utilise un type de clé ou de signature que Conclave n’accepte pas (seulement Ed25519). Demandez à votre administration de le délivrer avec l’outil de Conclave.
enroll-refusal-unpinned-authority = L’organisation de ce certificat n’est pas acceptée ici.
enroll-refusal-not-an-authority = Le second certificat n’est pas l’autorité de certification d’une organisation.
enroll-refusal-name-mismatch = Votre certificat ne désigne pas l’organisation de l’autorité de certification qui l’a signé.
enroll-refusal-bad-signature = La signature du certificat n’est pas valide : il a été modifié, ou n’a pas été signé par l’organisation qu’il désigne.
enroll-refusal-not-yet-valid = Ce certificat n’est pas encore valable. Vérifiez la date et l’heure de cet ordinateur, ou demandez à votre administration.
enroll-refusal-expired = Ce certificat a expiré. Demandez-en un nouveau à votre administration.
enroll-refusal-revoked = Votre organisation a révoqué ce certificat.
enroll-refusal-revocation-list-missing = Votre organisation n’a publié aucune liste de révocation ; ses certificats ne sont donc pas acceptés.
enroll-refusal-revocation-list-out-of-date = La liste de révocation de votre organisation est périmée ; ses certificats ne sont donc pas acceptés pour le moment.
enroll-refusal-key-mismatch = Ce certificat est pour une autre clé, pas pour celle de ce navigateur. Importez-le dans le navigateur qui a créé la demande.
enroll-refusal-missing-name = Ce certificat ne désigne aucune personne ou aucune organisation.
enroll-refusal-other = Ce certificat ne peut pas être utilisé.

## Un lien d’enrôlement endommagé.
enroll-broken-link-title = Impossible d’ouvrir ce lien d’enrôlement
enroll-broken-link = Ce lien d’enrôlement est endommagé : après # il devrait y avoir org= suivi de 64 lettres et chiffres. Demandez à nouveau le lien à votre organisation.

## Sur la page d’accueil.
home-enroll-link = S’enrôler auprès de votre organisation
