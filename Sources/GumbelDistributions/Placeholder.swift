// GumbelDistributions
