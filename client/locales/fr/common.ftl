app-name = Conclave
language-label = Langue

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Détails techniques
