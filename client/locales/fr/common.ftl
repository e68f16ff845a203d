app-name = Conclave
language-label = Langue
