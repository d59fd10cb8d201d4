print("gumbel")
