"""Running the course as several identical instances behind a load balancer."""
