module example.com/missingdep

require color example.com/color v1.4.0
