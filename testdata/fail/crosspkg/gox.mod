module example.com/crosspkg
