// wordcount: a small command-line tool that counts words in its input.
module example.com/wordcount
