app-name = Conclave
language-label = Sprache

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Technische Details
