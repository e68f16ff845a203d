# Shared by every page: the brand, the language switcher.
app-name = Conclave
language-label = Language

## A problem's technical detail (the words of the browser, a library or the server), folded away after its sentence.
technical-details = Technical details
