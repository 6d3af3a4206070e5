module example.com/unknownalias
