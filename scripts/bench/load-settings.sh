# Sourced by the benchmark and profiling scripts: the settings of a load test, one place for all of them.
# Cheap password hashing (preparing thousands of applicants is not what is measured) and no rate limits (one load
# machine is one address, and each applicant walks as fast as the server answers).
load_settings=(Auth__PasswordIterations=1000 RateLimits__AddressBurst=1000000 RateLimits__AddressPerSecond=1000000
  RateLimits__UserBurst=1000000 RateLimits__UserPerSecond=1000000 RateLimits__RegisterBurst=1000000
  RateLimits__RegisterPerPeriod=1000000 RateLimits__SignInBurst=1000000 RateLimits__SignInPerSecond=1000000)

# A process's CPU time so far (user + system), in clock ticks.
process_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
