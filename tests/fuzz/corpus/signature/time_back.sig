biounit-signature 1
box 0 0 100 100 10 10
10 5 5 1 1
5 6 6 1 1
