"""The console stylesheets (*.tcss), installed as the package warroom.styles."""
