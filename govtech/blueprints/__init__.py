"""Every blueprint, registered in one list."""
from govtech.blueprints.admin.views import bp as admin
from govtech.blueprints.auth.views import bp as auth
from govtech.blueprints.calendar.views import bp as calendar
from govtech.blueprints.cases.views import bp as cases
from govtech.blueprints.catalogue.views import bp as catalogue
from govtech.blueprints.certifications.views import bp as certifications
from govtech.blueprints.challenges.views import bp as challenges
from govtech.blueprints.dashboard.views import bp as dashboard
from govtech.blueprints.home.views import bp as home
from govtech.blueprints.marketing.views import bp as marketing
from govtech.blueprints.notifications.views import bp as notifications
from govtech.blueprints.pilots.views import bp as pilots
from govtech.blueprints.proposals.views import bp as proposals
from govtech.blueprints.public.views import bp as public
from govtech.blueprints.recommendations.views import bp as recommendations
from govtech.blueprints.startups.views import bp as startups
from govtech.blueprints.webhooks.views import bp as webhooks

BLUEPRINTS = [public, auth, home, challenges, startups, recommendations, proposals, pilots,
              marketing, cases, dashboard, notifications, admin, webhooks, calendar, catalogue,
              certifications]
