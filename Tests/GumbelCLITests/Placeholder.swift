// GumbelCLITests
