/**
 * The dashboard's server: the remote JSON API over the operations layer ({@link
 * io.asyncz.admin.Operations}), its security (users with bcrypt hashes or a generated token,
 * sessions, CSRF, headers, rate-limited logins, audit) and the pages' static assets, served on a
 * port of its own ({@link io.asyncz.dashboard.Dashboard#serve}) or mounted in a host application
 * ({@link io.asyncz.dashboard.DashboardServlet}).
 */
package io.asyncz.dashboard;
