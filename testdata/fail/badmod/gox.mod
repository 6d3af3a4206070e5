module example.com/badmod

require lib example.com/lib
