biounit-signature 1
box 0 0 10 10 1 1
5 5 5 1 1