module example.com/textutil
