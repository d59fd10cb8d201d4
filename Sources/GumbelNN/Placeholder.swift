// GumbelNN
