module example.com/brokendep

require lib example.com/lib v1.0.0
