// GumbelDistributionsTests
