# Shared by every page: the brand, the language switcher.
app-name = Conclave
language-label = Language
