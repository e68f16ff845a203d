app-name = Conclave
language-label = Sprache

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Technische Details

## Shown before the app runs (www/index.html, www/app.js keep copies; a test compares them).
noscript = Conclave benötigt JavaScript und WebAssembly: Die Verschlüsselung geschieht in Ihrem Browser.
boot-failed = Conclave konnte nicht starten. Laden Sie die Seite neu; geschieht es wieder, unterstützt dieser Browser Conclave möglicherweise nicht.
