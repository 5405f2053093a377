# Reader comments arrive with the comments issue; the app is registered now so that
# the article page, the settings and the migrations already have their place.
