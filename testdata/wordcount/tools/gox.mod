module example.com/wordcount/tools
