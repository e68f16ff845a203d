app-name = Conclave
language-label = Sprache
