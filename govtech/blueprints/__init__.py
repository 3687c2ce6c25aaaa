"""Every blueprint, registered in one list."""
from govtech.blueprints.admin.views import bp as admin
from govtech.blueprints.auth.views import bp as auth
from govtech.blueprints.home.views import bp as home
from govtech.blueprints.public.views import bp as public

BLUEPRINTS = [public, auth, home, admin]
