# Shared by every page: the brand, the language switcher.
app-name = Conclave
language-label = Language

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Technical details

## Shown before the app runs (www/index.html, www/app.js keep copies; a test compares them).
noscript = Conclave needs JavaScript and WebAssembly: encryption happens in your browser.
boot-failed = Conclave could not start. Reload the page; if it happens again, this browser may not support Conclave.
