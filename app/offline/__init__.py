"""The installable app: service worker, its modules, manifest, offline page, hashed static URLs."""


def init_app(app):
    from app.offline import assets, routes

    app.register_blueprint(routes.bp)
    assets.init_app(app)
