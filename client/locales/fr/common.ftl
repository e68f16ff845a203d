app-name = Conclave
language-label = Langue

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Détails techniques

## Shown before the app runs (www/index.html, www/app.js keep copies; a test compares them).
noscript = Conclave a besoin de JavaScript et de WebAssembly : le chiffrement a lieu dans votre navigateur.
boot-failed = Conclave n’a pas pu démarrer. Rechargez la page ; si cela se reproduit, ce navigateur ne prend peut-être pas en charge Conclave.
