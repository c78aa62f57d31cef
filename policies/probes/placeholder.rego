package lib.prodready.placeholder
