x = /[/]\/ /g; app.listen(3000)
